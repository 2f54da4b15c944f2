module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // the gitops plugin is this plugin's data layer by design: it exports the GitopsApi ref,
    // its REST types and the change route for other frontend plugins to open change requests
    '@backstage/no-mixed-plugin-imports': [
      'warn',
      { excludedTargetPackages: ['@butler-portal/plugin-gitops'] },
    ],
  },
});
