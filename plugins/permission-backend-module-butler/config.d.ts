export interface Config {
  permission?: {
    /** Butler Portal's permission policy (plugins/permission-backend-module-butler) */
    butler?: {
      /**
       * User entity refs that are platform admins whatever the Teams, Users or catalog Groups
       * say (the embedded default's guest; a break-glass account).
       */
      platformAdmins?: string[];
    };
  };
}
