import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { GuildPage, Member, MemberPage } from '../types.js';
import { ErrorNote } from './error-note.js';

interface Props {
  accountId: string;
  onPick: (member: { id: string; name: string }) => Promise<void>;
}

/** Pick a friend among the members of the bot's servers, or paste a user id. */
export function MemberPicker({ accountId, onPick }: Props) {
  const [guilds, setGuilds] = useState<GuildPage['items'] | null>(null);
  const [guildId, setGuildId] = useState('');
  const [query, setQuery] = useState('');
  const [members, setMembers] = useState<Member[] | null>(null);
  const [manualId, setManualId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open) return;
    api<GuildPage>('GET', `/api/accounts/${accountId}/guilds?limit=100`)
      .then(({ items: list }) => {
        setGuilds(list);
        if (list[0]) setGuildId(list[0].id);
      })
      .catch((err: unknown) => {
        setGuilds([]);
        setError(err);
      });
  }, [accountId, open]);

  useEffect(() => {
    if (!guildId) return;
    const timer = setTimeout(() => {
      const search = new URLSearchParams({ limit: '25', ...(query ? { query } : {}) });
      api<MemberPage>('GET', `/api/accounts/${accountId}/guilds/${guildId}/members?${search.toString()}`)
        .then(({ items: list }) => setMembers(list.filter((m) => !m.bot)))
        .catch(setError);
    }, 200);
    return () => clearTimeout(timer);
  }, [accountId, guildId, query]);

  const pick = async (id: string, name: string) => {
    setError(null);
    try {
      await onPick({ id, name });
      setMembers((list) => list && list.map((m) => (m.id === id ? { ...m, watched: true } : m)));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="card" aria-labelledby="pick-title" role="group">
      <h3 id="pick-title">Add a friend</h3>
      {!open && (
        <button type="button" class="secondary" onClick={() => setOpen(true)}>
          Choose from the bot's servers
        </button>
      )}
      {guilds && guilds.length === 0 && (
        <p class="muted">The bot shares no server it can list yet (is it running?). You can paste a user id below.</p>
      )}
      {guilds && guilds.length > 0 && (
        <div class="row">
          <label>
            Server
            <select value={guildId} onChange={(e) => setGuildId(e.currentTarget.value)}>
              {guilds.map((g) => (
                <option key={g.id} value={g.id}>{g.name}</option>
              ))}
            </select>
          </label>
          <label>
            Search members
            <input type="search" name="member-search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          </label>
        </div>
      )}
      {members && (
        <ul class="members" aria-label="Members">
          {members.map((m) => {
            const name = m.nickname ?? m.globalName ?? m.username;
            return (
              <li key={m.id}>
                <span>{name}</span> <span class="muted">@{m.username}</span>
                {m.watched ? (
                  <span class="muted watching">watched</span>
                ) : (
                  <button type="button" class="small" onClick={() => void pick(m.id, name)} aria-label={`Watch ${name}`}>
                    Watch
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void pick(manualId.trim(), '').then(() => setManualId(''));
        }}
      >
        <label>
          Or a Discord user id
          <input name="discordUserId" inputMode="numeric" value={manualId} onInput={(e) => setManualId(e.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary">Watch</button>
      </form>
      <ErrorNote error={error} />
    </div>
  );
}
