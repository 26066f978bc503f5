// The calls of docs/openapi.yaml the page makes. Every call answers {ok, status, body}; an
// error body is the service's {"error": {status, code, message, diagnostics}}.
async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const type = response.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await response.json() : await response.text();
  return { ok: response.ok, status: response.status, body: payload };
}

const q = (params) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
};
const j = (name) => `/v1/jurisdictions/${encodeURIComponent(name)}`;

export const api = {
  jurisdictions: () => call('GET', '/v1/jurisdictions'),
  schema: (name, on) => call('GET', `${j(name)}/schema${q({ on })}`),
  rules: (name, on) => call('GET', `${j(name)}/rules${q({ on })}`),
  overview: (name, on) => call('GET', `${j(name)}/overview${q({ on })}`),
  findings: (name) => call('GET', `${j(name)}/findings`),
  source: (name) => call('GET', `${j(name)}/source`),
  graphUrl: (name, decision) => `${j(name)}/graph${q({ decision })}`,
  // `body` is the case as JSON text (one fact per line, so errors point at their fact).
  decide: (name, on, body) => call('POST', `${j(name)}/decide${q({ on, explain: 'true' })}`, body),
  whyNot: (name, on, rule, body) =>
    call('POST', `${j(name)}/why-not/${encodeURIComponent(rule)}${q({ on })}`, body),
  check: (request) => call('POST', '/v1/check', request),
  tryDraft: (on, request) => call('POST', `/v1/try${q({ on })}`, request),
};
