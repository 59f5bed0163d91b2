namespace MedGuard.TestTargets.Booking;

/// <summary>
/// The H5 pages the official account's menu opens (掌上医院): plain pages whose script calls the JSON API with fetch and
/// carries the token from localStorage in the `token` header, as real hospital H5s do. The page greys out 未开放 and
/// 已满 slots, but their scheduleId is still in the data it received; it sends the fee it showed with the booking.
/// </summary>
internal static class BookingPages
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Redirect("/h5/index.html"));
        app.MapGet("/h5/js/app.js", () => Results.Text(Script, "application/javascript;charset=UTF-8"));
        foreach (var (name, title, body) in Pages)
        {
            var html = Layout(title, body);
            app.MapGet("/h5/" + name, () => Results.Text(html, "text/html;charset=UTF-8"));
        }
    }

    private static string Layout(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1,user-scalable=no">
        <title>{{title}} - 掌上医院</title>
        <style>
        body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f5;color:#333}
        header{background:#1aad19;color:#fff;padding:12px 16px;font-size:17px}
        main{padding:12px}.item{display:block;background:#fff;margin:8px 0;padding:12px;border-radius:6px;color:#333;text-decoration:none}
        button,.btn{background:#1aad19;color:#fff;border:0;border-radius:4px;padding:6px 14px;text-decoration:none;font-size:14px}
        button[disabled]{background:#c8c8c8;color:#fff}.muted{color:#999;font-size:13px}#msg{color:#e64340;min-height:1em}
        nav a{margin-right:12px}
        </style>
        <script src="/h5/js/app.js"></script></head>
        <body><header>{{title}}</header><main><p id="msg"></p>{{body}}</main></body></html>
        """;

    private static readonly (string Name, string Title, string Body)[] Pages =
    [
        ("index.html", "预约挂号", """
            <nav><a id="nav-orders" href="orders.html">我的订单</a><a id="nav-reports" href="reports.html">检验报告</a><a id="nav-patients" href="patients.html">就诊人管理</a></nav>
            <h4>选择科室</h4><div id="depts" class="muted">加载中…</div>
            <script>
            (async function () {
              if (!(await H5.login())) return;
              var j = await H5.api('GET', '/api/hos/deptList');
              document.getElementById('depts').innerHTML = j.data.map(function (d) {
                return '<a class="item dept" data-dept-id="' + d.deptId + '" href="doctor.html?deptId=' + d.deptId + '">' + H5.esc(d.deptName) + '</a>';
              }).join('');
            })();
            </script>
            """),
        ("doctor.html", "选择医生", """
            <div id="doctors" class="muted">加载中…</div>
            <script>
            (async function () {
              var j = await H5.api('GET', '/api/hos/doctorList?deptId=' + encodeURIComponent(H5.q('deptId')));
              if (j.code !== '0000') return H5.toast(j.msg);
              document.getElementById('doctors').innerHTML = j.data.map(function (d) {
                return '<a class="item doctor" data-doctor-id="' + d.doctorId + '" href="schedule.html?doctorId=' + d.doctorId + '&doctorName=' + encodeURIComponent(d.doctorName) + '">'
                  + H5.esc(d.doctorName) + ' <span class="muted">' + H5.esc(d.title) + '</span></a>';
              }).join('') || '暂无医生';
            })();
            </script>
            """),
        ("schedule.html", "选择号源", """
            <h4 id="doctor-name"></h4><div id="schedules" class="muted">加载中…</div>
            <script>
            (async function () {
              var name = H5.q('doctorName') || '';
              document.getElementById('doctor-name').textContent = name;
              var j = await H5.api('GET', '/api/reg/scheduleList?doctorId=' + encodeURIComponent(H5.q('doctorId')));
              if (j.code !== '0000') return H5.toast(j.msg);
              document.getElementById('schedules').innerHTML = j.data.map(function (s) {
                var action = s.status === '1'
                  ? '<a class="btn book" href="confirm.html?scheduleId=' + s.scheduleId + '&doctorName=' + encodeURIComponent(name) + '&regDate=' + s.regDate
                    + '&timeFlag=' + encodeURIComponent(s.timeFlag) + '&regFee=' + s.regFee + '">预约</a>'
                  : '<button class="' + (s.status === '2' ? 'unopened' : 'full') + '" data-schedule-id="' + s.scheduleId + '" disabled>' + (s.status === '2' ? '未开放' : '已满') + '</button>';
                return '<div class="item schedule" data-schedule-id="' + s.scheduleId + '">' + s.regDate + ' ' + H5.esc(s.timeFlag)
                  + ' <span class="muted">¥' + s.regFee + ' 余' + s.leftNum + '</span> ' + action + '</div>';
              }).join('') || '暂无排班';
            })();
            </script>
            """),
        ("confirm.html", "确认挂号", """
            <div class="item"><div id="summary"></div>
            <p>就诊人：<select id="patient"></select></p>
            <p><button id="captcha" type="button">点击完成滑块验证</button> <span id="captcha-state" class="muted"></span></p>
            <button id="submit" type="button">确认挂号</button></div>
            <div id="result"></div>
            <script>
            (async function () {
              var fee = H5.q('regFee'), ticket = '';
              document.getElementById('summary').textContent = H5.q('doctorName') + ' ' + H5.q('regDate') + ' ' + H5.q('timeFlag') + ' 挂号费 ¥' + fee;
              var p = await H5.api('GET', '/api/patient/list');
              if (p.code !== '0000') return H5.toast(p.msg);
              document.getElementById('patient').innerHTML = p.data.map(function (x) {
                return '<option value="' + x.patientId + '">' + H5.esc(x.patientName) + ' ' + x.cardNo + '</option>';
              }).join('');
              // Stands for the Tencent slider captcha; for the test identities it yields the hospital's test ticket.
              document.getElementById('captcha').onclick = function () {
                ticket = 'TEST-CAPTCHA-TICKET';
                document.getElementById('captcha-state').textContent = '验证通过';
              };
              document.getElementById('submit').onclick = async function () {
                var j = await H5.api('POST', '/api/reg/confirm', {
                  scheduleId: Number(H5.q('scheduleId')), patientId: Number(document.getElementById('patient').value), regFee: Number(fee), captchaTicket: ticket
                });
                if (j.code !== '0000') return H5.toast(j.msg);
                var o = j.data;
                document.getElementById('result').innerHTML = '<div class="item">挂号成功，订单号 <span id="order-no">' + o.orderNo + '</span>，应付 ¥' + o.payAmount
                  + ' <button id="pay" type="button">立即支付</button></div>';
                document.getElementById('pay').onclick = async function () {
                  var pay = await H5.api('POST', '/api/pay/create', { orderId: o.orderId, payAmount: o.payAmount });
                  if (pay.code !== '0000') return H5.toast(pay.msg);
                  document.getElementById('result').innerHTML = '<div class="item" id="paid">支付成功 ¥' + pay.data.payAmount
                    + ' <a id="to-orders" class="btn" href="orders.html">查看我的订单</a></div>';
                };
              };
            })();
            </script>
            """),
        ("orders.html", "我的订单", """
            <div id="orders" class="muted">加载中…</div>
            <script>
            async function load() {
              var j = await H5.api('GET', '/api/order/myList');
              if (j.code !== '0000') return H5.toast(j.msg);
              document.getElementById('orders').innerHTML = j.data.map(function (o) {
                return '<div class="item order" data-order-id="' + o.orderId + '">' + H5.esc(o.deptName) + ' ' + H5.esc(o.doctorName) + ' ' + o.regDate + ' ' + H5.esc(o.timeFlag)
                  + ' <span class="status">' + H5.esc(o.orderStatusName) + '</span> <a class="detail" href="order.html?orderId=' + o.orderId + '">详情</a>'
                  + (o.orderStatus !== '2' ? ' <button class="cancel" type="button" data-order-id="' + o.orderId + '">取消预约</button>' : '') + '</div>';
              }).join('') || '暂无订单';
              document.querySelectorAll('button.cancel').forEach(function (b) {
                b.onclick = async function () {
                  var c = await H5.api('POST', '/api/reg/cancel', { orderId: Number(b.dataset.orderId) });
                  if (c.code !== '0000') return H5.toast(c.msg);
                  load();
                };
              });
            }
            load();
            </script>
            """),
        ("order.html", "订单详情", """
            <div id="order" class="item muted">加载中…</div>
            <script>
            (async function () {
              var id = H5.q('orderId');
              var j = await H5.api('GET', '/api/order/detail?orderId=' + encodeURIComponent(id));
              if (j.code !== '0000') return H5.toast(j.msg);
              var o = j.data;
              document.getElementById('order').innerHTML = '订单号 ' + o.orderNo + '<br>' + H5.esc(o.deptName) + ' ' + H5.esc(o.doctorName) + ' ' + o.regDate + ' ' + H5.esc(o.timeFlag)
                + '<br>就诊人 ' + H5.esc(o.patientName) + ' ' + o.phone + '<br>金额 ¥' + o.payAmount + ' <span id="status">' + H5.esc(o.orderStatusName) + '</span>'
                + (o.orderStatus !== '2' ? '<br><button id="cancel" type="button">取消预约</button>' : '');
              var b = document.getElementById('cancel');
              if (b) b.onclick = async function () {
                var c = await H5.api('POST', '/api/reg/cancel', { orderId: o.orderId });
                if (c.code !== '0000') return H5.toast(c.msg);
                document.getElementById('status').textContent = c.data.orderStatusName;
                b.remove();
              };
            })();
            </script>
            """),
        ("reports.html", "检验报告", """
            <div id="reports" class="muted">加载中…</div>
            <script>
            (async function () {
              var j = await H5.api('GET', '/api/report/list');
              if (j.code !== '0000') return H5.toast(j.msg);
              document.getElementById('reports').innerHTML = j.data.map(function (r) {
                return '<a class="item report" href="report.html?reportId=' + r.reportId + '">' + H5.esc(r.reportName) + ' <span class="muted">' + H5.esc(r.patientName) + ' ' + r.reportDate + '</span></a>';
              }).join('') || '暂无报告';
            })();
            </script>
            """),
        ("report.html", "报告详情", """
            <div id="report" class="item muted">加载中…</div>
            <script>
            (async function () {
              var j = await H5.api('GET', '/api/report/detail?reportId=' + encodeURIComponent(H5.q('reportId')));
              if (j.code !== '0000') return H5.toast(j.msg);
              var r = j.data;
              document.getElementById('report').innerHTML = '<b>' + H5.esc(r.reportName) + '</b> ' + H5.esc(r.patientName) + ' ' + r.reportDate + '<table>'
                + r.items.map(function (i) { return '<tr><td>' + H5.esc(i.itemName) + '</td><td>' + i.result + ' ' + H5.esc(i.flag) + '</td><td>' + i.unit + '</td><td>' + i.refRange + '</td></tr>'; }).join('') + '</table>';
            })();
            </script>
            """),
        ("patients.html", "就诊人管理", """
            <div id="patients" class="muted">加载中…</div>
            <div class="item"><h4>添加就诊人</h4>
            <p><input id="patientName" placeholder="姓名"></p><p><input id="idCardNo" placeholder="身份证号"></p><p><input id="phone" placeholder="手机号"></p>
            <button id="bind" type="button">绑定</button></div>
            <script>
            async function load() {
              var j = await H5.api('GET', '/api/patient/list');
              if (j.code !== '0000') return H5.toast(j.msg);
              document.getElementById('patients').innerHTML = j.data.map(function (p) {
                return '<div class="item patient" data-patient-id="' + p.patientId + '">' + H5.esc(p.patientName) + ' <span class="muted">' + p.idCardNo + ' ' + p.phone + '</span>'
                  + ' <button class="unbind" type="button" data-patient-id="' + p.patientId + '">解绑</button></div>';
              }).join('');
              document.querySelectorAll('button.unbind').forEach(function (b) {
                b.onclick = async function () {
                  var u = await H5.api('POST', '/api/patient/unbind', { patientId: Number(b.dataset.patientId) });
                  if (u.code !== '0000') return H5.toast(u.msg);
                  load();
                };
              });
            }
            document.getElementById('bind').onclick = async function () {
              var j = await H5.api('POST', '/api/patient/bind', {
                patientName: document.getElementById('patientName').value, idCardNo: document.getElementById('idCardNo').value, phone: document.getElementById('phone').value
              });
              if (j.code !== '0000') return H5.toast(j.msg);
              load();
            };
            load();
            </script>
            """),
    ];

    private const string Script = """
        // 掌上医院 H5 common script: WeChat web authorization, the token header, the envelope's codes.
        var H5 = (function () {
          function q(name) { return new URLSearchParams(location.search).get(name); }
          function esc(s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
          function toast(m) { var e = document.getElementById('msg'); if (e) e.textContent = m; }
          function authorize() {
            var back = location.origin + '/h5/index.html';
            location.href = '/wx/oauth2/authorize?appid=wxTEST&redirect_uri=' + encodeURIComponent(back)
              + '&response_type=code&scope=snsapi_userinfo&state=' + encodeURIComponent(location.pathname + location.search) + '#wechat_redirect';
          }
          async function api(method, path, body) {
            var headers = { 'Content-Type': 'application/json;charset=UTF-8' };
            var t = localStorage.getItem('token');
            if (t) headers.token = t;
            var r = await fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) });
            var j = await r.json();
            if (j.code === '4010') { localStorage.removeItem('token'); authorize(); throw new Error(j.msg); }
            return j;
          }
          // Trades the OAuth code for the service's token, then returns to the page that asked for login.
          async function login() {
            var code = q('code');
            if (code) {
              var j = await api('POST', '/api/user/wxLogin', { code: code });
              if (j.code !== '0000') { toast(j.msg); return false; }
              localStorage.setItem('token', j.data.token);
              var back = q('state');
              history.replaceState(null, '', '/h5/index.html');
              if (back && back.indexOf('/h5/') === 0 && back.indexOf('/h5/index.html') !== 0) { location.href = back; return false; }
            }
            if (!localStorage.getItem('token')) { authorize(); return false; }
            return true;
          }
          return { q: q, esc: esc, toast: toast, api: api, login: login, authorize: authorize };
        })();
        """;
}
