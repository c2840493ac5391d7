// Actor page: the neighbourhood as an interactive network (cytoscape) and the mentions and
// events over time as plots (uPlot). Both read the JSON the server put in the page; the
// tables below them show the same data when the libraries are missing or JavaScript is off.
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var COLOURS = ["#0b5cad", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0f766e",
                 "#a16207", "#be185d", "#4338ca", "#525252", "#0369a1", "#65a30d"];

  function drawNetwork() {
    var box = document.getElementById("network");
    var graph = data("network-data");
    if (!box || !graph || typeof window.cytoscape !== "function") { return; }
    box.hidden = false;
    var max = 1;
    graph.edges.forEach(function (e) { max = Math.max(max, e.weight || e.n_events || 1); });
    var elements = graph.nodes.map(function (n) {
      return { data: { id: n.id, label: n.name || n.id, type: n.type || "",
                       center: n.id === graph.center ? 1 : 0 } };
    }).concat(graph.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target,
                       label: e.type || "", w: 1 + 7 * (e.weight || e.n_events || 1) / max } };
    }));
    // an ego network reads best as rings: the actor in the middle, its closest neighbours
    // (most shared articles) on the inner ring
    var cy = window.cytoscape({
      container: box, elements: elements, minZoom: 0.3, maxZoom: 2.5,
      layout: { name: "concentric", animate: false, padding: 30, minNodeSpacing: 40,
                avoidOverlap: true,
                concentric: function (n) {
                  return n.data("center") ? 1000 : n.degree(false);
                },
                levelWidth: function () { return 4; } },
      style: [
        { selector: "node", style: { "label": "data(label)", "font-size": 11,
            "background-color": "#8fb3d9", "width": 18, "height": 18,
            "text-valign": "bottom", "text-margin-y": 4, "color": "#1d2126" } },
        { selector: "node[center = 1]", style: { "background-color": "#0b5cad",
            "width": 30, "height": 30, "font-weight": "bold" } },
        { selector: "edge", style: { "width": "data(w)", "line-color": "#b8c4d0",
            "curve-style": "bezier", "opacity": 0.8, "label": "data(label)",
            "font-size": 9, "color": "#5b6570" } },
        { selector: "node:selected", style: { "background-color": "#d4a800" } }
      ]
    });
    cy.on("tap", "node", function (evt) {
      var id = evt.target.id();
      if (id !== graph.center) { window.location.href = "/actors/" + encodeURIComponent(id); }
    });
  }

  function drawSeries(boxId, dataId, yLabel) {
    var box = document.getElementById(boxId);
    var series = data(dataId);
    if (!box || !series || typeof window.uPlot !== "function") { return; }
    var keys = Object.keys(series).sort();
    var days = {};
    keys.forEach(function (k) { Object.keys(series[k]).forEach(function (d) { days[d] = 1; }); });
    var xs = Object.keys(days).sort();
    if (!xs.length) { return; }
    box.hidden = false;
    var columns = [xs.map(function (d) { return Date.parse(d + "T00:00:00Z") / 1000; })];
    var defs = [{}];
    keys.forEach(function (k, i) {
      columns.push(xs.map(function (d) { return d in series[k] ? series[k][d] : null; }));
      // days without reports are not zeros to draw a line through: points only
      defs.push({ label: k.toUpperCase(), stroke: COLOURS[i % COLOURS.length], width: 0,
                  paths: function () { return null; },
                  points: { show: true, size: 8, fill: COLOURS[i % COLOURS.length] } });
    });
    var width = Math.max(320, box.clientWidth || 800);
    new window.uPlot({ width: width, height: 260, series: defs,
                       axes: [{}, { label: yLabel }], scales: { x: { time: true } } },
                     columns, box);
  }

  function start() {
    drawNetwork();
    drawSeries("timeline-plot", "timeline-data", "articles");
    drawSeries("events-plot", "events-data", "events");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
