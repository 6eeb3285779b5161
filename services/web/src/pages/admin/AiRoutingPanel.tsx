import { useApi } from '../../app/context';
import { ErrorNote } from '../../ui/forms';
import { formatDate, useResource } from '../../ui/hooks';

export function AiRoutingPanel() {
  const api = useApi();
  const routing = useResource(() => api.ai.routing(), [api]);
  const r = routing.data;
  return (
    <section aria-labelledby="ai-h">
      <div className="page-head">
        <h2 id="ai-h">AI routing</h2>
        <button type="button" onClick={() => void routing.reload()}>
          Refresh
        </button>
      </div>
      <ErrorNote error={routing.error} />
      {r && (
        <>
          <dl className="totals">
            <div>
              <dt>Default model</dt>
              <dd>{r.defaultModel ?? 'none'}</dd>
            </div>
            <div>
              <dt>Embedding model</dt>
              <dd>{r.embeddingModel ?? 'none'}</dd>
            </div>
            <div>
              <dt>OpenAI</dt>
              <dd>{r.openai.configured ? (r.openai.baseUrl ?? 'configured') : 'not configured'}</dd>
            </div>
          </dl>
          <div className="table-wrap">
            <table className="table">
              <caption>Ollama replicas</caption>
              <thead>
                <tr>
                  <th scope="col">Replica</th>
                  <th scope="col">Health</th>
                  <th scope="col">In flight</th>
                  <th scope="col">Models (loaded)</th>
                  <th scope="col">Last probe</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {r.replicas.map((rep) => (
                  <tr key={rep.url}>
                    <th scope="row">{rep.url}</th>
                    <td>
                      {rep.healthy ? 'healthy' : 'unhealthy'}
                      {rep.coolingDown && ` · cooling down ${Math.ceil(rep.cooldownRemainingMs / 1000)} s`}
                    </td>
                    <td>
                      {rep.inFlight}/{rep.cap}
                    </td>
                    <td>
                      {(rep.models ?? []).join(', ') || '—'}
                      {rep.loaded.length > 0 && ` (${rep.loaded.join(', ')})`}
                    </td>
                    <td>{formatDate(rep.lastProbeAt)}</td>
                    <td>{rep.lastError ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {Object.keys(r.fallbacks).length > 0 && (
            <>
              <h3>Fallbacks</h3>
              <ul>
                {Object.entries(r.fallbacks).map(([model, chain]) => (
                  <li key={model}>
                    {model} → {chain.join(' → ')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
