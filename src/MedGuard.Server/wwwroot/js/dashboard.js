// Sector dashboard charts (ECharts). Data comes from the page's JSON block: no inline script (the CSP forbids it).
// Every bar links to the institutions behind it; each chart exports to PNG (getDataURL). Bar labels never overlap:
// ECharts hides a label that would collide (labelLayout.hideOverlap) and long category names wrap or rotate.
(function () {
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var charts = {};
  function draw(id, block, options) {
    var element = document.getElementById(id);
    if (!element || !block) { return; }
    var chart = echarts.init(element);
    var many = block.categories.length > 6;
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var s = block.series[p.seriesIndex];
          return p.name + '<br/>' + p.seriesName + '：' + p.value + (options.percent ? '%' : '') + '<br/><span style="font-size:11px">' + echarts.format.encodeHTML(s.tips[p.dataIndex]) + '</span>';
        }
      },
      legend: { top: 0, type: 'scroll' },
      grid: { top: 40, left: 48, right: 12, bottom: many ? 90 : 40, containLabel: false },
      xAxis: { type: 'category', data: block.categories, axisLabel: { interval: 0, rotate: many ? 35 : 0, width: many ? 110 : 90, overflow: 'truncate' } },
      yAxis: options.percent ? { type: 'value', max: 100 } : { type: 'value', minInterval: 1 },
      series: block.series.map(function (s) {
        return {
          name: s.name, type: 'bar', data: s.data,
          label: { show: !many || block.series.length === 1, position: 'top', fontSize: 10, formatter: '{c}' },
          labelLayout: { hideOverlap: true },
          cursor: 'pointer'
        };
      })
    });
    chart.on('click', function (p) {
      var link = block.series[p.seriesIndex] && block.series[p.seriesIndex].links[p.dataIndex];
      if (link) { window.location.href = link; }
    });
    charts[id] = chart;
  }
  draw('severity-chart', data.severity, {});
  draw('ports-chart', data.ports, {});
  draw('tier-chart', data.tiers, { percent: true });
  draw('survey-chart', data.survey, { percent: true });
  draw('region-chart', data.regions, { percent: true });
  draw('under-chart', data.underGraded, {});
  document.querySelectorAll('.chart-png').forEach(function (button) {
    button.addEventListener('click', function () {
      var chart = charts[button.getAttribute('data-chart')];
      if (!chart) { return; }
      // A blob: URL, not the data: URL itself (browsers refuse to navigate to data: URLs).
      var dataUrl = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
      var bytes = atob(dataUrl.split(',')[1]);
      var buffer = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) { buffer[i] = bytes.charCodeAt(i); }
      var url = URL.createObjectURL(new Blob([buffer], { type: 'image/png' }));
      var a = document.createElement('a');
      a.href = url;
      a.download = button.getAttribute('data-chart') + '.png';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  });
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  document.body.setAttribute('data-charts-ready', 'true');
})();
