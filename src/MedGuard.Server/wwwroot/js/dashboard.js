// Sector dashboard charts (ECharts). Data comes from the page's JSON block: no inline script (the CSP forbids it).
(function () {
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var names = data.tiers.map(function (t) { return t.name; });
  var tier = echarts.init(document.getElementById('tier-chart'));
  function series(label, key) {
    return { name: label, type: 'bar', label: { show: true, position: 'top', formatter: '{c}' }, data: data.tiers.map(function (t) { return t[key]; }) };
  }
  tier.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { top: 40, left: 40, right: 10, bottom: 30 },
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value', max: 100 },
    series: [series('定级率', 'gradedRate'), series('备案率', 'filedRate'), series('三级系统测评率', 'level3AssessedRate'), series('整改率', 'rectifiedRate')]
  });
  var survey = echarts.init(document.getElementById('survey-chart'));
  survey.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { top: 40, left: 40, right: 10, bottom: 30 },
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value', max: 100 },
    series: [series('≥100万条个人信息', 'millionRecordsRate'), series('≥5名安全人员', 'fiveStaffRate'), series('密码设备', 'cryptoDeviceRate'), series('国产密码产品', 'domesticCryptoRate')]
  });
  window.addEventListener('resize', function () { tier.resize(); survey.resize(); });
  document.body.setAttribute('data-charts-ready', 'true');
})();
