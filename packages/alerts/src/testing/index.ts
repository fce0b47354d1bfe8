export { type ReceivedWebhook, startReceiver } from './webhookReceiver.ts';
