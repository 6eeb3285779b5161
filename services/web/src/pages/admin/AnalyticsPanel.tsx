// Usage over time (requests, tokens, cost per day) and AI cost by model and by user, for every
// user (scope=all) over a chosen number of days.
import { useState } from 'react';
import { useApi } from '../../app/context';
import { BarChart } from '../../charts/BarChart';
import { LineChart } from '../../charts/LineChart';
import { ErrorNote, SelectField } from '../../ui/forms';
import { useResource } from '../../ui/hooks';

const day = (d: Date) => d.toISOString().slice(0, 10);
const usd = (micro: number) => `$${(micro / 1e6).toFixed(micro < 10_000 ? 4 : 2)}`;
const num = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)));

export function AnalyticsPanel() {
  const api = useApi();
  const [days, setDays] = useState('30');
  const range = {
    from: day(new Date(Date.now() - (Number(days) - 1) * 86_400_000)),
    to: day(new Date()),
    scope: 'all' as const,
  };
  const report = useResource(
    () =>
      Promise.all([
        api.analytics.usage(range),
        api.analytics.costs({ ...range, groupBy: 'model' }),
        api.analytics.costs({ ...range, groupBy: 'user' }),
        api.auth.users(),
      ]),
    [api, days],
  );
  const [usage, byModel, byUser, users] = report.data ?? [];
  const emailOf = new Map(users?.items.map((u) => [u.id, u.email]));
  return (
    <section aria-labelledby="analytics-h">
      <div className="page-head">
        <h2 id="analytics-h">Analytics</h2>
        <SelectField
          label="Period"
          value={days}
          onChange={(e) => setDays(e.target.value)}
          options={[
            ['7', 'last 7 days'],
            ['30', 'last 30 days'],
            ['90', 'last 90 days'],
          ]}
        />
      </div>
      <ErrorNote error={report.error} />
      {usage && (
        <>
          <dl className="totals">
            <div>
              <dt>Requests</dt>
              <dd data-testid="total-requests">{usage.totals.requests}</dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>{usage.totals.inputTokens + usage.totals.outputTokens}</dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>${usage.totals.costUsd}</dd>
            </div>
            <div>
              <dt>Tasks created</dt>
              <dd>{usage.totals.tasksCreated}</dd>
            </div>
          </dl>
          <div className="grid-2">
            <LineChart
              title="Requests per day"
              points={usage.days.map((d) => ({ label: d.day, value: d.requests }))}
              format={num}
            />
            <LineChart
              title="Tokens per day"
              points={usage.days.map((d) => ({ label: d.day, value: d.inputTokens + d.outputTokens }))}
              format={num}
            />
            <LineChart
              title="Cost per day"
              points={usage.days.map((d) => ({ label: d.day, value: d.costMicroUsd }))}
              format={usd}
            />
            <LineChart
              title="Tasks created per day"
              points={usage.days.map((d) => ({ label: d.day, value: d.tasksCreated }))}
              format={num}
            />
          </div>
        </>
      )}
      {byModel && byUser && (
        <div className="grid-2">
          <BarChart
            title="Tokens by model"
            bars={byModel.rows.map((r) => ({
              label: r.model ?? 'unknown',
              value: r.inputTokens + r.outputTokens,
            }))}
            format={num}
          />
          <BarChart
            title="Requests by model"
            bars={byModel.rows.map((r) => ({ label: r.model ?? 'unknown', value: r.requests }))}
            format={num}
          />
          <BarChart
            title="Cost by user"
            bars={byUser.rows.map((r) => ({
              label: emailOf.get(r.userId ?? '') ?? r.userId ?? 'unknown',
              value: r.costMicroUsd,
            }))}
            format={usd}
          />
          <BarChart
            title="Requests by user"
            bars={byUser.rows.map((r) => ({
              label: emailOf.get(r.userId ?? '') ?? r.userId ?? 'unknown',
              value: r.requests,
            }))}
            format={num}
          />
        </div>
      )}
    </section>
  );
}
