export { chambersEntityCard } from './extensions';
