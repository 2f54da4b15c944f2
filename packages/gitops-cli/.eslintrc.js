module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // the single-file build (scripts/buildBundle.js) is generated code
  ignorePatterns: ['dist-bundle/**'],
});
