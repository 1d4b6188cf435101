/*
 * tokenscope reach: the browser side of the HTML report. Plain ES2017, no
 * network: the data sits in <script id="reach-data" type="application/json">,
 * cytoscape.js is inlined before this script. Everything from GitLab reaches
 * the page through textContent (never innerHTML) and cytoscape's canvas labels.
 */
(function () {
  'use strict';
  var started = performance.now();
  var data = JSON.parse(document.getElementById('reach-data').textContent);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var incoming = {};
  var outgoing = {};
  data.edges.forEach(function (e) {
    (incoming[e.t] = incoming[e.t] || []).push(e);
    (outgoing[e.s] = outgoing[e.s] || []).push(e);
  });
  var groupIds = {};
  data.nodes.forEach(function (n) { if (n.kind === 'group') groupIds[n.label.toLowerCase()] = n.id; });

  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined) x.textContent = text;
    if (cls) x.className = cls;
    return x;
  }
  function policyText(p) { return p ? (p.length ? p.join(', ') : 'no permissions') : ''; }

  /* What a project's token reaches directly: its project entries, the group entries of its ancestor groups, open projects (the nearest entry decides the label). */
  function reachOf(id) {
    var n = byId[id];
    var seen = {};
    var out = [];
    function add(e, how) {
      if (e.t === id || seen[e.t]) return;
      seen[e.t] = true;
      out.push({ target: e.t, how: how, policies: e.p });
    }
    (outgoing[id] || []).forEach(function (e) { add(e, 'project entry'); });
    var parts = n.label.toLowerCase().split('/');
    for (var i = parts.length - 1; i >= 1; i--) {
      var gid = groupIds[parts.slice(0, i).join('/')];
      if (gid) (outgoing[gid] || []).forEach(function (e) { add(e, 'group ' + byId[gid].label); });
    }
    (outgoing.any || []).forEach(function (e) { add(e, 'allowlist off'); });
    out.sort(function (a, b) { return byId[a.target].label < byId[b.target].label ? -1 : 1; });
    return out;
  }

  var large = data.nodes.length > 150;
  var cy = cytoscape({
    container: document.getElementById('graph'),
    elements: {
      nodes: data.nodes.map(function (n) {
        return { data: { id: n.id, label: n.kind === 'group' ? 'group ' + n.label : n.label }, classes: n.classes };
      }),
      edges: data.edges.map(function (e) {
        var d = { source: e.s, target: e.t };
        if (e.p && !large) d.label = policyText(e.p);
        return { data: d, classes: e.via };
      }),
    },
    style: [
      // A large graph draws names only when zoomed in (class "named"): styling 1,000 labels up front costs a quarter of the first render.
      { selector: 'node', style: { width: 14, height: 14, 'background-color': '#6c757d', 'font-size': 10, 'min-zoomed-font-size': 7,
        'text-valign': 'bottom', 'text-margin-y': 3 } },
      { selector: large ? 'node.named, node.match, node:selected' : 'node', style: { label: 'data(label)' } },
      { selector: 'node.group', style: { shape: 'round-tag', 'background-color': '#0a58ca', width: 18, height: 18 } },
      { selector: 'node.any', style: { shape: 'star', 'background-color': '#b02a37', width: 22, height: 22 } },
      { selector: 'node.open', style: { 'background-color': '#dc3545' } },
      { selector: 'node.shared', style: { 'background-color': '#e0a800' } },
      { selector: 'node.outside', style: { 'background-color': '#adb5bd', shape: 'diamond' } },
      { selector: 'node.unread', style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': '#000' } },
      { selector: 'edge[label]', style: large ? {} : { label: 'data(label)', 'font-size': 8, color: '#6c757d', 'text-rotation': 'autorotate' } },
      // Haystack edges (the fastest kind) have no arrow heads: a large graph shows direction in the side panel.
      { selector: 'edge', style: large ? { width: 1, 'line-color': '#adb5bd', 'curve-style': 'haystack' }
        : { width: 1, 'line-color': '#adb5bd', 'target-arrow-color': '#adb5bd', 'target-arrow-shape': 'triangle', 'curve-style': 'straight', 'arrow-scale': 0.7 } },
      { selector: 'edge.group', style: { 'line-style': 'dashed', 'line-color': '#6ea8fe' } },
      { selector: 'edge.open', style: { 'line-color': '#f1aeb5' } },
      { selector: '.faded', style: { opacity: 0.15 } },
      { selector: 'node.match', style: { 'background-color': '#198754', width: 26, height: 26, 'font-size': 14, 'font-weight': 'bold', 'z-index': 10 } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#000' } },
      { selector: 'edge.lit', style: { width: 2, 'line-color': '#212529', 'target-arrow-color': '#212529', opacity: 1, 'z-index': 9 } },
    ],
    layout: large
      ? { name: 'concentric', concentric: function (n) { return n.indegree(false); }, levelWidth: function () { return 4; }, minNodeSpacing: 6, animate: false }
      : { name: 'cose', animate: false, randomize: true, nodeRepulsion: function () { return 400000; }, idealEdgeLength: function () { return 100; },
          nodeOverlap: 20, gravity: 40, numIter: 1000, padding: 30 },
    wheelSensitivity: 0.3,
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    pixelRatio: large ? 1 : 'auto',
  });

  window.__reachGraph = cy;
  var built = performance.now();
  if (large) {
    var named = false;
    cy.on('zoom', function () {
      var want = cy.zoom() > 0.7;
      if (want === named) return;
      named = want;
      cy.batch(function () { if (want) cy.nodes().addClass('named'); else cy.nodes().removeClass('named'); });
    });
  }
  cy.one('render', function () {
    window.__reach = { ready: true, nodes: cy.nodes().length, edges: cy.edges().length, renderMs: performance.now(), appMs: performance.now() - started, buildMs: built - started };
    document.body.setAttribute('data-ready', '1');
  });

  var panel = document.getElementById('details');
  function show(id) {
    var n = byId[id];
    panel.textContent = '';
    panel.appendChild(el('h2', n.kind === 'group' ? 'group ' + n.label : n.label));
    if (n.kind === 'project') {
      var facts = el('ul', undefined, 'facts');
      facts.appendChild(el('li', 'visibility: ' + (n.visibility || 'unknown')));
      facts.appendChild(el('li', 'Authorized groups and projects: ' + (n.error ? 'not read (' + n.error + ')'
        : n.limitAccess === null ? 'not read (outside the chosen projects)'
        : n.open ? 'off: any project reaches it' : n.limitAccess ? 'on' : 'off, but the instance enforces it')));
      if (n.openFeatures) facts.appendChild(el('li', 'kept open whatever the allowlist says: ' + n.openFeatures.join(', ')));
      panel.appendChild(facts);
      var entries = (incoming[id] || []);
      panel.appendChild(el('h3', 'Allowlist (' + entries.length + ' ' + (entries.length === 1 ? 'entry' : 'entries') + ')'));
      var list = el('ul', undefined, 'allowlist');
      entries.forEach(function (e) {
        var src = byId[e.s];
        var text = e.via === 'open' ? 'any project (allowlist off)'
          : e.via === 'group' ? 'group ' + src.label + ' (' + src.members + ' projects)' : src.label;
        if (e.p) text += ' [' + policyText(e.p) + ']';
        list.appendChild(el('li', text));
      });
      panel.appendChild(list);
      var reach = reachOf(id);
      panel.appendChild(el('h3', 'Its job token reaches (' + reach.length + ')'));
      var rl = el('ul', undefined, 'reach');
      reach.slice(0, 300).forEach(function (r) {
        rl.appendChild(el('li', byId[r.target].label + ' (' + r.how + (r.policies ? '; ' + policyText(r.policies) : '') + ')'));
      });
      if (reach.length > 300) rl.appendChild(el('li', 'and ' + (reach.length - 300) + ' more'));
      panel.appendChild(rl);
    } else {
      var on = outgoing[id] || [];
      panel.appendChild(el('p', n.kind === 'group' ? 'covers ' + n.members + ' projects, at any depth' : 'every project whose job user is a member'));
      panel.appendChild(el('h3', 'On the allowlist of (' + on.length + ')'));
      var ol = el('ul');
      on.forEach(function (e) { ol.appendChild(el('li', byId[e.t].label + (e.p ? ' [' + policyText(e.p) + ']' : ''))); });
      panel.appendChild(ol);
    }
  }

  cy.on('tap', 'node', function (evt) {
    var node = evt.target;
    cy.elements().removeClass('lit');
    node.connectedEdges().addClass('lit');
    show(node.id());
  });

  var search = document.getElementById('search');
  var count = document.getElementById('matches');
  function find() {
    var q = search.value.trim().toLowerCase();
    cy.batch(function () {
      cy.elements().removeClass('match faded');
      if (!q) return;
      var hits = cy.nodes().filter(function (n) { return n.data('label').toLowerCase().indexOf(q) >= 0; });
      count.textContent = hits.length + ' match' + (hits.length === 1 ? '' : 'es');
      if (hits.length === 0) return;
      cy.elements().not(hits).addClass('faded');
      hits.addClass('match');
      cy.fit(hits, 80);
      if (hits.length === 1) { hits.select(); show(hits[0].id()); }
    });
    if (!q) count.textContent = '';
  }
  var timer;
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(find, 120); });
  search.addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(timer); find(); } });
  document.getElementById('fit').addEventListener('click', function () { cy.fit(undefined, 30); });
  window.__reachFind = function (q) { search.value = q; find(); return count.textContent; };
})();
