// brokersim HTML report: message fates on a click, a filterable trace. No network, no libraries.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var panel = document.getElementById('details');
  var title = document.getElementById('details-title');
  var body = document.getElementById('details-body');
  var selectedCall = null;

  function entry(list, term, text) {
    if (text === undefined || text === null || text === '') { return; }
    var dt = document.createElement('dt');
    dt.textContent = term;
    var dd = document.createElement('dd');
    var pre = document.createElement('pre');
    pre.textContent = text;
    dd.appendChild(pre);
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function select(call) {
    selectedCall = call;
    var marked = document.querySelectorAll('.selected');
    for (var i = 0; i < marked.length; i++) { marked[i].classList.remove('selected'); }
    if (call) {
      var same = document.querySelectorAll('[data-call="' + CSS.escape(call) + '"]');
      for (var j = 0; j < same.length; j++) {
        if (!same[j].classList.contains('call')) { same[j].classList.add('selected'); }
      }
    }
    filterTrace();
  }

  function show(msg, call) {
    body.textContent = '';
    var list = document.createElement('dl');
    if (msg && data.messages[msg]) {
      var m = data.messages[msg];
      title.textContent = 'Message ' + msg;
      entry(list, 'fate', m.fate);
      entry(list, 'the fate ledger says', m.explanation);
    } else if (msg) {
      title.textContent = 'Message ' + msg;
      entry(list, 'fate', 'not recorded in this report');
    }
    if (call && data.calls[call]) {
      var c = data.calls[call];
      if (!msg) { title.textContent = 'Call ' + call; }
      entry(list, msg ? 'call ' + call : 'for the caller', c.summary);
      entry(list, 'what happened', c.chain);
      entry(list, 'request', c.request);
      entry(list, 'replies', c.replies);
      entry(list, 'why', c.why);
    }
    body.appendChild(list);
    panel.hidden = false;
    select(call || (msg && data.messages[msg] ? data.messages[msg].call : null));
  }

  function open(el) {
    show(el.getAttribute('data-msg'), el.getAttribute('data-call'));
  }

  document.addEventListener('click', function (e) {
    var el = e.target.closest('[data-msg], [data-call]');
    if (!el || el.closest('#details')) { return; }
    if (el.tagName === 'A') { e.preventDefault(); }
    open(el);
    if (el.classList.contains('call')) {
      var first = document.querySelector('svg .step[data-call="' + CSS.escape(el.getAttribute('data-call')) + '"]');
      if (first) { first.scrollIntoView({block: 'center'}); }
    }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { panel.hidden = true; select(null); return; }
    if ((e.key === 'Enter' || e.key === ' ') && e.target.matches && e.target.matches('.step[tabindex]')) {
      e.preventDefault();
      open(e.target);
    }
  });
  document.getElementById('details-close').addEventListener('click', function () {
    panel.hidden = true;
    select(null);
  });

  var filter = document.getElementById('trace-filter');
  var onlySelected = document.getElementById('trace-selected');
  var rows = document.querySelectorAll('#trace-table tbody tr');
  var count = document.getElementById('trace-count');

  function filterTrace() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var text = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      if (ok && onlySelected.checked) { ok = selectedCall !== null && row.getAttribute('data-call') === selectedCall; }
      row.hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = shown + ' of ' + rows.length + ' events';
  }

  filter.addEventListener('input', filterTrace);
  onlySelected.addEventListener('change', filterTrace);
  filterTrace();
})();
