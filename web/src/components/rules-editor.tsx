import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Account, RuleOverride, Trigger, UpdateAccountBody } from '../types.js';
import { ErrorNote } from './error-note.js';

type Kind = NonNullable<Trigger['kinds']>[number];
type NameMatch = NonNullable<Trigger['name']>['match'];

// Every kind the server knows (a new one fails the type check until it has words here).
const KIND_WORDS: Record<Kind, string> = {
  online: 'comes online',
  offline: 'goes offline',
  status: 'changes status (online / idle / do not disturb)',
  'activity:start': 'starts an activity (a game, music…)',
  'activity:end': 'ends an activity',
};
const KINDS = Object.keys(KIND_WORDS) as Kind[];

interface Props {
  account: Account;
  onSaved: (account: Account) => void;
}

/**
 * The account's default rules (each friend inherits them). One trigger is edited as a form; the
 * server validates and its message is shown as it comes (field and problem in plain words).
 */
export function RulesEditor({ account, onSaved }: Props) {
  const rules = account.settings.defaultRules ?? {};
  const trigger = rules.triggers?.[0] ?? { kinds: ['activity:start'] };
  const [enabled, setEnabled] = useState(rules.enabled ?? true);
  const [kinds, setKinds] = useState<Kind[]>(trigger.kinds ?? []);
  const [nameMatch, setNameMatch] = useState<NameMatch>(trigger.name?.match ?? 'substring');
  const [nameValue, setNameValue] = useState(trigger.name?.value ?? '');
  const [cooldown, setCooldown] = useState(String(rules.cooldownSeconds ?? 3600));
  const [capFriend, setCapFriend] = useState(String(rules.dailyCapPerFriend ?? 5));
  const [capAccount, setCapAccount] = useState(String(rules.dailyCapPerAccount ?? 100));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const save = async () => {
    setError(null);
    setSaved(false);
    const next: RuleOverride = {
      enabled,
      triggers: [{ ...(kinds.length ? { kinds } : {}), ...(nameValue ? { name: { match: nameMatch, value: nameValue } } : {}) }],
      // Numbers go as typed: the server says in words what is wrong with a bad one.
      cooldownSeconds: toNumber(cooldown),
      dailyCapPerFriend: toNumber(capFriend),
      dailyCapPerAccount: toNumber(capAccount),
    };
    try {
      onSaved(await api<Account>('PUT', `/api/accounts/${account.id}`, { settings: { defaultRules: next } } satisfies UpdateAccountBody));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form
      class="card"
      aria-labelledby="rules-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="rules-title">Rules</h2>
      <p class="muted">Send content when a friend…</p>
      <label class="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        Rules on
      </label>
      <fieldset>
        <legend>Triggers (any ticked change)</legend>
        {KINDS.map((kind) => (
          <label class="check" key={kind}>
            <input
              type="checkbox"
              name="kinds"
              value={kind}
              checked={kinds.includes(kind)}
              onChange={(e) => setKinds(e.currentTarget.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind))}
            />
            {KIND_WORDS[kind]}
          </label>
        ))}
      </fieldset>
      <div class="row">
        <label>
          Activity name
          <select value={nameMatch} onChange={(e) => setNameMatch(e.currentTarget.value as NameMatch)}>
            <option value="substring">contains</option>
            <option value="exact">is exactly</option>
            <option value="regex">matches the pattern</option>
          </select>
        </label>
        <label>
          Name (empty: any)
          <input name="name" value={nameValue} onInput={(e) => setNameValue(e.currentTarget.value)} />
        </label>
      </div>
      <div class="row">
        <label>
          Cooldown (seconds)
          <input name="cooldownSeconds" inputMode="numeric" value={cooldown} onInput={(e) => setCooldown(e.currentTarget.value)} />
        </label>
        <label>
          Per friend per day
          <input name="dailyCapPerFriend" inputMode="numeric" value={capFriend} onInput={(e) => setCapFriend(e.currentTarget.value)} />
        </label>
        <label>
          Per account per day
          <input name="dailyCapPerAccount" inputMode="numeric" value={capAccount} onInput={(e) => setCapAccount(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorNote error={error} />
      {saved && <p role="status">Rules saved.</p>}
      <button type="submit">Save rules</button>
    </form>
  );
}

function toNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}
