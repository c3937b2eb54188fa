/**
 * The mail commands of the operator CLI (JOBS-4; docs/email.md), `npm run cli -- <command>`:
 *
 *   mail:suppressed <email>     is the address on the suppression list? (and why)
 *   mail:suppress <email>       put it on the list by hand (reason "manual"; audited)
 *   mail:unsuppress <email>     take it off the list — after its owner fixed their mailbox (audited)
 *
 * The list holds a keyed hash of the address, never the address; so do the audit entries (the
 * operations chain, naming the operator and the address's domain only).
 */
import { cliLog as log, operator, withDatabase, type CliCommand } from './cli-support';

function address(args: string[], usage: string): string {
  const email = args[0];
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`usage: npm run cli -- ${usage} <email>`);
  return email;
}

async function audited(appUrl: string, action: 'mail.address_suppressed' | 'mail.address_unsuppressed', email: string, change: (tx: import('../../src/server/db/client').Tx) => Promise<boolean>) {
  const { withSystem } = await import('../../src/server/db/tenant');
  const { recordAudit, OPERATIONS_CHAIN_ID } = await import('../../src/server/audit/audit-service');
  return withDatabase(appUrl, (db) =>
    withSystem(db, null, async (tx) => {
      const changed = await change(tx);
      if (changed) {
        await recordAudit(tx, {
          workspaceId: null,
          actorId: null,
          chainId: OPERATIONS_CHAIN_ID,
          action,
          data: { operator: operator().name, domain: email.split('@')[1]?.toLowerCase() ?? null },
        });
      }
      return changed;
    }),
  );
}

export const mailCommands: Record<string, CliCommand> = {
  'mail:suppressed': async ({ appUrl }, args) => {
    const email = address(args, 'mail:suppressed');
    const { suppressionOf } = await import('../../src/server/email/suppression');
    const entry = await withDatabase(appUrl, (db) => suppressionOf(db, email));
    log(entry ? `suppressed since ${entry.createdAt.toISOString()} (${entry.reason}, from ${entry.source})` : 'not suppressed');
  },
  'mail:suppress': async ({ appUrl }, args) => {
    const email = address(args, 'mail:suppress');
    const { suppressAddress } = await import('../../src/server/email/suppression');
    await audited(appUrl, 'mail.address_suppressed', email, async (tx) => {
      await suppressAddress(tx, email, { reason: 'manual', source: 'cli' });
      return true;
    });
    log('the address is suppressed: no mail is sent to it');
  },
  'mail:unsuppress': async ({ appUrl }, args) => {
    const email = address(args, 'mail:unsuppress');
    const { unsuppressAddress } = await import('../../src/server/email/suppression');
    const removed = await audited(appUrl, 'mail.address_unsuppressed', email, (tx) => unsuppressAddress(tx, email));
    log(removed ? 'the address is off the suppression list' : 'the address was not suppressed');
  },
};
