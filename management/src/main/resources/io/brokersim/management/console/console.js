// brokersim console: plain JavaScript and SVG, served from the management jar; it talks to /api only.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const DIAGRAM_CALLS = 12;
  const EVENTS_SHOWN = 200;
  const state = { auth: null, view: null, calls: [], faults: [], selected: null, busy: false, again: false,
    timer: null, pending: null };
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------------------------------- HTTP

  async function api(path, options) {
    const o = options || {};
    const headers = Object.assign({ Authorization: state.auth }, o.headers || {});
    const r = await fetch(path, Object.assign({}, o, { headers }));
    const text = await r.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = text;
    }
    if (!r.ok) {
      const e = new Error(body && body.reason ? body.reason : r.status + ' ' + r.statusText);
      e.status = r.status;
      e.body = body;
      throw e;
    }
    return body;
  }

  function status(text) {
    $('status').textContent = text;
  }

  // ------------------------------------------------------------------------------------------ login

  async function login(auth) {
    state.auth = auth;
    try {
      const me = await api('/api/whoami');
      sessionStorage.setItem('brokersim.auth', auth);
      status('logged in as ' + me.name);
      $('login').hidden = true;
      $('app').hidden = false;
      start();
    } catch (e) {
      state.auth = null;
      sessionStorage.removeItem('brokersim.auth');
      status('login refused (' + e.message + ')');
    }
  }

  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    login('Basic ' + btoa($('user').value + ':' + $('password').value));
  });

  // ---------------------------------------------------------------------------------------- refresh

  function start() {
    refresh();
    setInterval(refresh, 1000);
    openEvents();
    loadScenarios();
  }

  /** Soon after a trace event, at most every 250 ms. */
  function refreshSoon() {
    if (!state.pending) {
      state.pending = setTimeout(() => {
        state.pending = null;
        refresh();
      }, 250);
    }
  }

  async function refresh() {
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    try {
      const [view, calls, faults] = await Promise.all([api('/api/brokersim/view'), api('/api/brokersim/calls'),
        api('/api/brokersim/faults')]);
      state.view = view;
      state.calls = calls;
      state.faults = faults;
      render();
    } catch (e) {
      status('cannot reach the broker (' + e.message + ')');
    } finally {
      state.busy = false;
      if (state.again) {
        state.again = false;
        refresh();
      }
    }
  }

  function render() {
    const v = state.view;
    $('broker').textContent = 'profile ' + v.profile + ', vhost ' + v.vhost;
    renderCalls();
    renderFaults();
    renderTopology();
  }

  // ------------------------------------------------------------------------------------ rpc diagram

  function clientOf(channel) {
    if (!channel) {
      return null;
    }
    const id = channel.split('/')[0];
    const c = state.view.connections.find((x) => x.brokersim_id === id);
    return c ? c.user_provided_name + ' (' + id + ')' : id + ' (closed)';
  }

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) {
      e.setAttribute(k, attrs[k]);
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    if (parent) {
      parent.appendChild(e);
    }
    return e;
  }

  function arrow(g, x1, x2, y, cls) {
    el('line', { x1, y1: y, x2, y2: y, class: 'arrow ' + cls, 'marker-end': 'url(#head)' }, g);
  }

  function cross(g, x, y) {
    el('path', { d: `M${x - 5},${y - 5} L${x + 5},${y + 5} M${x - 5},${y + 5} L${x + 5},${y - 5}`, class: 'cross' }, g);
  }

  function renderCalls() {
    const svg = $('calls');
    const calls = state.calls.slice(-DIAGRAM_CALLS);
    $('calls-empty').hidden = calls.length > 0;
    while (svg.firstChild) {
      svg.removeChild(svg.firstChild);
    }
    if (calls.length === 0) {
      svg.setAttribute('height', 0);
      return;
    }
    // Columns: requesters, then queues, then responders, each in order of first appearance.
    const cols = [];
    const add = (label, kind) => {
      if (label && !cols.find((c) => c.label === label)) {
        cols.push({ label, kind });
      }
    };
    calls.forEach((c) => add(clientOf(c.requester_channel), 'actor'));
    calls.forEach((c) => add(c.queue || '(no queue)', 'queue'));
    calls.forEach((c) => add(clientOf(c.responder_channel), 'actor'));
    const colW = Math.max(150, Math.floor((svg.clientWidth || 700) / cols.length));
    const x = (label) => cols.findIndex((c) => c.label === label) * colW + colW / 2;
    const top = 46;
    const rowH = 62;
    const height = top + calls.length * rowH + 10;
    svg.setAttribute('height', height);
    const defs = el('defs', {}, svg);
    const marker = el('marker', { id: 'head', markerWidth: 8, markerHeight: 8, refX: 7, refY: 4, orient: 'auto' }, defs);
    el('path', { d: 'M0,0 L8,4 L0,8 z', fill: '#3b4a5a' }, marker);
    cols.forEach((c) => {
      const g = el('g', { class: c.kind }, svg);
      el('line', { x1: x(c.label), y1: 30, x2: x(c.label), y2: height, class: 'lifeline' }, g);
      el('rect', { x: x(c.label) - colW / 2 + 6, y: 4, width: colW - 12, height: 24, rx: 4 }, g);
      el('text', { x: x(c.label), y: 20, 'text-anchor': 'middle' }, g, c.label);
    });
    const shown = state.calls.length - calls.length;
    if (shown > 0) {
      el('text', { x: 4, y: 40, class: 'label' }, svg, shown + ' earlier calls not shown');
    }
    calls.forEach((c, i) => {
      const y0 = top + i * rowH;
      const cls = 'call ' + c.status.replace(/_/g, '-') + (c.lost ? ' lost' : '')
        + (c.status === 'answered' ? ' answered' : '') + (state.selected === c.correlation_id ? ' selected' : '');
      const g = el('g', { class: cls, 'data-correlation-id': c.correlation_id, 'data-status': c.status }, svg);
      g.addEventListener('click', () => showFate(c.correlation_id));
      el('rect', { x: 0, y: y0, width: cols.length * colW, height: rowH - 2, class: 'band' }, g);
      const req = x(clientOf(c.requester_channel));
      const q = x(c.queue || '(no queue)');
      const resp = c.responder_channel ? x(clientOf(c.responder_channel)) : null;
      el('text', { x: Math.min(req, q) + 6, y: y0 + 11, class: 'label' }, g, 'request ' + c.correlation_id);
      if (c.status === 'request_lost') {
        arrow(g, req, q - 8, y0 + 16, 'lost-request');
        cross(g, q, y0 + 16);
        el('text', { x: q + 10, y: y0 + 20, class: 'lost-label' }, g, 'request lost: ' + c.request_fate);
        return;
      }
      arrow(g, req, q, y0 + 16, 'request');
      if (resp === null) {
        el('text', { x: q + 10, y: y0 + 34, class: 'label' }, g, 'waiting in ' + c.queue);
        return;
      }
      arrow(g, q, resp, y0 + 32, 'deliver');
      el('text', { x: Math.min(q, resp) + 6, y: y0 + 28, class: 'label' }, g, 'delivered');
      if (!c.reply_id) {
        el('text', { x: resp - 10, y: y0 + 50, class: 'label', 'text-anchor': 'end' }, g, 'no reply yet');
        return;
      }
      if (c.lost) {
        arrow(g, resp, req + 8, y0 + 48, 'reply');
        cross(g, req, y0 + 48);
        el('text', { x: Math.min(req, resp) + 14, y: y0 + 44, class: 'lost-label' }, g,
          'reply lost: ' + c.reply_fate + ' (click for why)');
      } else {
        arrow(g, resp, req, y0 + 48, 'reply');
        el('text', { x: Math.min(req, resp) + 14, y: y0 + 44, class: 'label' }, g,
          c.status === 'answered' ? 'reply' : 'reply in flight');
      }
    });
  }

  async function showFate(correlationId) {
    state.selected = correlationId;
    $('fate').hidden = false;
    $('fate-call').textContent = 'call ' + correlationId;
    try {
      const r = await api('/api/brokersim/messages?correlation_id=' + encodeURIComponent(correlationId));
      $('fate-details').textContent = r.explanation;
    } catch (e) {
      $('fate-details').textContent = 'The fate ledger no longer holds this call (' + e.message + ').';
    }
    renderCalls();
  }

  // ----------------------------------------------------------------------------------------- faults

  function renderFaults() {
    const ul = $('faults');
    ul.textContent = '';
    state.faults.forEach((f) => {
      const li = document.createElement('li');
      li.setAttribute('data-rule', f.name);
      li.appendChild(document.createTextNode(f.name + ' at ' + f.at + ': ' + f.action + ' '));
      const fired = document.createElement('span');
      fired.className = 'fired';
      fired.textContent = '(fired ' + f.fired + (f.fired === 1 ? ' time) ' : ' times) ');
      li.appendChild(fired);
      const b = document.createElement('button');
      b.className = 'disarm';
      b.textContent = 'Disarm';
      b.addEventListener('click', () => act(api('/api/brokersim/faults/' + encodeURIComponent(f.name),
        { method: 'DELETE' })));
      li.appendChild(b);
      ul.appendChild(li);
    });
    const select = $('kill-connection');
    const chosen = select.value;
    select.textContent = '';
    state.view.connections.forEach((c) => {
      const o = document.createElement('option');
      o.value = c.name;
      o.textContent = c.user_provided_name + ' (' + c.name + ')';
      select.appendChild(o);
    });
    if (chosen) {
      select.value = chosen;
    }
  }

  async function act(promise) {
    $('fault-error').hidden = true;
    try {
      await promise;
    } catch (e) {
      $('fault-error').hidden = false;
      const problems = e.body && e.body.problems ? '\n' + e.body.problems.map((p) => '  ' + p.field + ' (line '
        + p.line + '): ' + p.message + (p.hint ? ' (' + p.hint + ')' : '')).join('\n') : '';
      $('fault-error').textContent = e.message + problems;
    }
    refresh();
  }

  function armText(text) {
    return act(api('/api/brokersim/faults', { method: 'POST', headers: { 'Content-Type': 'text/plain' },
      body: text }));
  }

  $('arm-dead-reply-channel').addEventListener('click', () => armText([
    'faults { rules = [ {',
    '  name = "dead-reply-channel"',
    '  at = routed',
    '  match { has-reply-to = true }',
    '  action { type = dead-reply-channel, scope = channel, code = 406, text = "requester died" }',
    '} ] }'].join('\n')));

  $('arm-drop-reply').addEventListener('click', () => {
    const cid = $('drop-reply-cid').value.trim();
    if (!cid) {
      $('fault-error').hidden = false;
      $('fault-error').textContent = 'Give the correlation_id of the call whose reply should be dropped.';
      return;
    }
    armText([
      'faults { rules = [ {',
      '  name = ' + JSON.stringify('drop-reply-' + cid),
      '  at = publish-received',
      '  match { correlation-id = ' + JSON.stringify(cid) + ', has-reply-to = false }',
      '  action { type = drop }',
      '  when { once = true }',
      '} ] }'].join('\n'));
  });

  $('kill-connection-button').addEventListener('click', () => {
    const name = $('kill-connection').value;
    if (name) {
      act(api('/api/connections/' + encodeURIComponent(name), { method: 'DELETE' }));
    }
  });

  $('arm-text').addEventListener('click', () => armText($('fault-text').value));

  // --------------------------------------------------------------------------------------- topology

  function row(tbody, cells, attrs) {
    const tr = document.createElement('tr');
    for (const k in attrs || {}) {
      tr.setAttribute(k, attrs[k]);
    }
    cells.forEach((c) => {
      const td = document.createElement('td');
      if (typeof c === 'number') {
        td.className = 'num';
      }
      td.textContent = c;
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
    return tr;
  }

  function table(id, items, cells, attrs) {
    const tbody = $(id).tBodies[0];
    tbody.textContent = '';
    items.forEach((i) => row(tbody, cells(i), attrs ? attrs(i) : {}));
  }

  function flags(o) {
    return [o.durable ? 'D' : '', o.auto_delete ? 'AD' : '', o.exclusive ? 'Excl' : '', o.internal ? 'I' : '']
      .filter((f) => f).join(' ');
  }

  function renderTopology() {
    const v = state.view;
    const consumers = v.consumers.length;
    $('totals').textContent = v.queues.length + ' queues, ' + v.connections.length + ' connections, '
      + v.channels.length + ' channels, ' + consumers + ' consumers' + (v.complete ? '' : ' (partial)');
    table('queues', v.queues, (q) => [q.name, q.messages_ready, q.messages_unacknowledged, q.consumers, flags(q)],
      (q) => ({ 'data-queue': q.name }));
    table('connections', v.connections, (c) => [c.name, c.user_provided_name, c.user, c.channels],
      (c) => ({ 'data-connection': c.name }));
    table('channels', v.channels, (ch) => [ch.name, ch.consumer_count, ch.messages_unacknowledged, ch.prefetch_count,
      (ch.confirm ? 'confirm ' : '') + (ch.transactional ? 'tx' : '')]);
    table('exchanges', v.exchanges, (x) => [x.name === '' ? '(default)' : x.name, x.type, flags(x)]);
    table('bindings', v.bindings, (b) => [b.source === '' ? '(default)' : b.source, b.routing_key,
      b.destination_type + ' ' + b.destination]);
    table('consumers', v.consumers, (c) => [c.consumer_tag, c.queue.name, c.channel_details.name,
      c.ack_required ? 'manual' : 'auto', c.prefetch_count]);
    renderGraph(v);
  }

  /**
   * Exchanges that route somewhere on the left (the default exchange as "(default)", its implicit binding to each
   * queue under the queue's name), queues with their counts on the right, a line per binding between.
   */
  function renderGraph(v) {
    const svg = $('graph');
    while (svg.firstChild) {
      svg.removeChild(svg.firstChild);
    }
    const bindings = v.bindings;
    const sources = [...new Set(bindings.map((b) => b.source))];
    const queues = v.queues.map((q) => q.name);
    const rows = Math.max(sources.length, queues.length);
    if (rows === 0) {
      svg.setAttribute('height', 0);
      return;
    }
    const w = svg.clientWidth || 600;
    const rowH = 40;
    const qw = 250;
    svg.setAttribute('height', rows * rowH + 6);
    const xy = {};
    sources.forEach((s, i) => { xy['x:' + s] = [4, 4 + i * rowH]; });
    queues.forEach((q, i) => { xy['q:' + q] = [w - qw - 4, 4 + i * rowH]; });
    bindings.forEach((b) => {
      const from = xy['x:' + b.source];
      const to = xy[(b.destination_type === 'queue' ? 'q:' : 'x:') + b.destination];
      if (!from || !to) {
        return;
      }
      const y1 = from[1] + 16;
      const y2 = to[1] + 16;
      el('path', { d: `M${from[0] + 150},${y1} C${w / 2},${y1} ${w / 2},${y2} ${to[0]},${y2}`, class: 'edge' }, svg);
      el('text', { x: to[0] - 6, y: y2 - 4, class: 'label', 'text-anchor': 'end' }, svg,
        b.routing_key === '' ? '""' : b.routing_key);
    });
    sources.forEach((s) => {
      const [x0, y0] = xy['x:' + s];
      const g = el('g', { class: 'node exchange' }, svg);
      el('rect', { x: x0, y: y0, width: 150, height: 32, rx: 4 }, g);
      el('text', { x: x0 + 6, y: y0 + 20, class: 'name' }, g, s === '' ? '(default)' : s);
    });
    v.queues.forEach((q) => {
      const [x0, y0] = xy['q:' + q.name];
      const g = el('g', { class: 'node queue', 'data-queue': q.name }, svg);
      el('rect', { x: x0, y: y0, width: qw, height: 32, rx: 4 }, g);
      el('text', { x: x0 + 6, y: y0 + 13, class: 'name' }, g, q.name);
      el('text', { x: x0 + 6, y: y0 + 27, class: 'counts' }, g, q.messages_ready + ' ready · '
        + q.messages_unacknowledged + ' unacked · ' + q.consumers + ' consumer' + (q.consumers === 1 ? '' : 's'));
    });
  }

  // ----------------------------------------------------------------------------------------- events

  /** The trace as server-sent events, read with fetch so the request can carry the Authorization header. */
  async function openEvents() {
    try {
      const r = await fetch('/api/brokersim/events', { headers: { Authorization: state.auth } });
      const reader = r.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      // the server went away or the page is closing; try again below
    }
    setTimeout(openEvents, 2000);
  }

  function onEvent(block) {
    const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
    if (!data) {
      return;
    }
    const e = JSON.parse(data);
    const li = document.createElement('li');
    li.value = e.seq;
    if (e.kind === 'fault_injected') {
      li.className = 'fault';
    }
    const rest = Object.keys(e).filter((k) => k !== 'seq' && k !== 't' && k !== 'kind' && e[k] !== null)
      .map((k) => k + '=' + (typeof e[k] === 'string' ? e[k] : JSON.stringify(e[k]))).join(' ');
    li.textContent = (e.t / 1e9).toFixed(3) + 's ' + e.kind + ' ' + rest;
    const ol = $('events');
    ol.insertBefore(li, ol.firstChild);
    while (ol.children.length > EVENTS_SHOWN) {
      ol.removeChild(ol.lastChild);
    }
    refreshSoon();
  }

  // -------------------------------------------------------------------------------------- scenarios

  async function loadScenarios() {
    try {
      const list = await api('/api/brokersim/scenarios');
      const select = $('scenario');
      list.forEach((s) => {
        const o = document.createElement('option');
        o.value = s.name;
        o.textContent = s.name;
        o.title = s.description;
        select.appendChild(o);
      });
    } catch (e) {
      $('scenario-result').textContent = e.message;
    }
  }

  $('run-scenario').addEventListener('click', async () => {
    const out = $('scenario-result');
    out.textContent = 'running ...';
    try {
      const r = await api('/api/brokersim/scenarios/' + encodeURIComponent($('scenario').value) + '/run?seed='
        + encodeURIComponent($('scenario-seed').value), { method: 'POST' });
      out.textContent = r.verdict + ' (seed ' + r.seed + ', profile ' + r.profile + ')\n'
        + r.expectations.map((x) => (x.holds ? '  ok   ' : '  FAIL ') + x.description + (x.holds ? '' : ': '
          + x.reason)).join('\n') + '\ntrace-sha256: ' + r.trace_sha256;
    } catch (e) {
      out.textContent = e.message;
    }
  });

  const saved = sessionStorage.getItem('brokersim.auth');
  if (saved) {
    login(saved);
  }
})();
