// The menu is data; each item navigates when clicked. Nothing here is a link in the HTML the server sends.
(function () {
  var items = [
    { title: '科室介绍', page: 'dept', query: { code: 'NK' } },
    { title: '专家门诊', page: 'doctors', query: { dept: 'NK' } },
  ];
  var nav = document.getElementById('menu');
  var list = document.createElement('ul');
  items.forEach(function (item) {
    var li = document.createElement('li');
    li.className = 'menu-item';
    li.textContent = item.title;
    li.addEventListener('click', function () {
      var q = Object.keys(item.query).map(function (k) { return k + '=' + encodeURIComponent(item.query[k]); }).join('&');
      window.location.assign('/' + item.page + '?' + q);
    });
    list.appendChild(li);
  });
  nav.appendChild(list);
})();
