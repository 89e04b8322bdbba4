// A datastore reset asked in Slack is confirmed first: a button naming the environment and the
// datastores whose data it replaces, clicked by the person who asked (a scheduled reset asks
// nobody; an environment with `approval:` asks its approvers instead).
import type { DatastoreCommand } from '../command.js';
import { describeCommand } from '../command.js';
import { message, type Message } from './message.js';

export const CONFIRM_RESET_ACTION = 'nestor_datastore_reset_confirm';
export const CANCEL_RESET_ACTION = 'nestor_datastore_reset_cancel';

const what = (command: DatastoreCommand): string => (command.datastore ? `datastore ${command.datastore} of ${command.env}` : `every datastore of ${command.env}`);

/** `value`: what the click carries back (the request, never a secret). */
export function resetConfirmation(command: DatastoreCommand, value: string): Message {
  const from = command.from ?? 'the latest snapshot of its source environment';
  return message({
    visibility: 'ephemeral', tone: 'pending',
    title: `Reset ${what(command)}?`,
    summary: `This replaces the data of ${what(command)} with ${from}. Nothing is queued until you confirm.`,
    buttons: [
      { actionId: CONFIRM_RESET_ACTION, label: `Reset ${command.datastore ?? 'the datastores'} of ${command.env}`, value, style: 'danger' },
      { actionId: CANCEL_RESET_ACTION, label: 'Cancel', value },
    ],
  });
}

export function resetCancelled(command: DatastoreCommand): Message {
  return message({ visibility: 'ephemeral', tone: 'info', title: `Cancelled: ${describeCommand(command)}`, summary: `${what(command)} was left as it is; nothing was queued` });
}
