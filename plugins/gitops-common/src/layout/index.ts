export {
  resourcePath,
  parseResourcePath,
  InvalidResourcePathError,
  RESOURCE_FILE_EXTENSION,
  type RepoLayout,
} from './resourcePath';
export {
  dns1123Problem,
  describeInvalidName,
  isDns1123Label,
  isDns1123Subdomain,
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  type NameForm,
} from './names';
