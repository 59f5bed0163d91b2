// A server-rendered Node site whose menu is drawn by JavaScript (static/menu.js): the department pages are reachable
// only by clicking the menu, and they glue their query parameter into SQL in the vulnerable twin. Node's own http
// module and Debian's sqlite3 command (a real SQLite database); no npm packages.
// Environment: PORT, MG_TWIN=vulnerable|fixed, MG_DB (database file), MG_REQUEST_LOG (optional).
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const port = Number(process.env.PORT);
const fixed = process.env.MG_TWIN === 'fixed';
const db = process.env.MG_DB;
const log = process.env.MG_REQUEST_LOG;

function sql(statement) {
  try {
    const out = execFileSync('sqlite3', ['-json', db, statement], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim() ? JSON.parse(out) : [];
  } catch (e) {
    return null; // errors are swallowed: only the boolean difference shows
  }
}

// The fixed twin never puts the user's text into the statement: it goes in as hex-encoded UTF-8, a blob literal cast to text.
function literal(value) {
  return fixed ? `CAST(X'${Buffer.from(value, 'utf8').toString('hex')}' AS TEXT)` : `'${value}'`;
}

if (!fs.existsSync(db) || fs.statSync(db).size === 0) {
  execFileSync('sqlite3', [db, `
    CREATE TABLE depts (code TEXT, name TEXT, intro TEXT);
    INSERT INTO depts VALUES ('NK', '内科', '内科设有心血管、呼吸、消化等专业组。'), ('WK', '外科', '外科开展微创手术。');
    CREATE TABLE doctors (dept TEXT, name TEXT, title TEXT);
    INSERT INTO doctors VALUES ('NK', '王医生', '主任医师'), ('NK', '李医生', '副主任医师'), ('WK', '赵医生', '主治医师');`]);
}

function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escape(title)} - 市中心医院</title></head><body>
<nav id="menu"></nav>
<h1>${escape(title)}</h1>
${body}
<script src="/static/menu.js"></script>
</body></html>`;
}

const server = http.createServer((req, res) => {
  if (log) {
    fs.appendFileSync(log, `${req.method} ${req.url}\n`);
  }
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  const send = (status, type, body) => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  };
  if (url.pathname === '/') {
    return send(200, 'text/html; charset=utf-8', page('市中心医院', '<p>欢迎访问。请从菜单进入科室介绍与专家门诊。</p>'));
  }
  if (url.pathname === '/static/menu.js') {
    return send(200, 'application/javascript', fs.readFileSync(path.join(__dirname, 'static', 'menu.js')));
  }
  if (url.pathname === '/dept') {
    const code = url.searchParams.get('code') || '';
    const rows = sql(`SELECT name, intro FROM depts WHERE code = ${literal(code)}`) || [];
    const body = rows.length ? `<h2>${escape(rows[0].name)}</h2><p>${escape(rows[0].intro)}</p>` : '<p>未找到该科室</p>';
    return send(200, 'text/html; charset=utf-8', page('科室介绍', body));
  }
  if (url.pathname === '/doctors') {
    const dept = url.searchParams.get('dept') || '';
    const rows = sql(`SELECT name, title FROM doctors WHERE dept = ${literal(dept)} ORDER BY name`) || [];
    const body = '<ul>' + rows.map((r) => `<li>${escape(r.name)}（${escape(r.title)}）</li>`).join('') + '</ul>';
    return send(200, 'text/html; charset=utf-8', page('专家门诊', body));
  }
  return send(404, 'text/html; charset=utf-8', page('页面不存在', '<p>404</p>'));
});

server.listen(port, '127.0.0.1');
