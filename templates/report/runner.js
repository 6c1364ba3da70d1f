
(function () {
  var cfg = {staticPlot: true, displayModeBar: false, responsive: false};
  function plotAll() {
    var jobs = [];
    document.querySelectorAll('[data-fig]').forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.getAttribute('data-fig')).textContent);
      jobs.push(Plotly.newPlot(el, spec.data, spec.layout, cfg));
    });
    return Promise.all(jobs);
  }
  // Load the font before plotting: plotly measures label widths once, at plot time.
  document.fonts.load('14px "ReportCJK"', '桃园社区').catch(function () {})
    .then(plotAll).then(function () { return document.fonts.ready; })
    .then(function () { window.__reportReady = true; },
          function (e) { window.__reportError = String(e && e.stack || e); });
})();
