export {
  gitopsEntityContent,
  pendingChangesEntityCard,
  sourceEntityCard,
} from './extensions';
