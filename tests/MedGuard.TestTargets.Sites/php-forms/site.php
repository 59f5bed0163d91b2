<?php
// Shared by the pages: the twin (MG_TWIN=vulnerable|fixed), the SQLite database (MG_DB, created on first use) and the
// page frame. A classic PHP site: forms post to their own page.
$fixed = getenv('MG_TWIN') === 'fixed';
$db = new PDO('sqlite:' . getenv('MG_DB'));
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
if (!$db->query("SELECT name FROM sqlite_master WHERE type='table' AND name='drugs'")->fetch()) {
    $db->exec("CREATE TABLE drugs (id INTEGER PRIMARY KEY, name TEXT, price REAL)");
    $db->exec("INSERT INTO drugs (name, price) VALUES ('阿莫西林胶囊', 12.5), ('布洛芬缓释胶囊', 18.0), ('复方甘草片', 6.8)");
    $db->exec("CREATE TABLE news (id INTEGER PRIMARY KEY, title TEXT, body TEXT)");
    $db->exec("INSERT INTO news (title, body) VALUES ('门诊时间调整通知', '自下周一起，门诊时间为 8:00 至 17:30。'), ('流感疫苗接种', '本院提供流感疫苗接种服务。')");
    $db->exec("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, password TEXT)");
    $db->exec("INSERT INTO users (username, password) VALUES ('admin', 'S3cret-Admin-Pass')");
}

function head($title)
{
    echo "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" . htmlspecialchars($title) . " - 市第一医院</title></head><body>";
    echo "<p><a href=\"/\">首页</a> | <a href=\"/news.php\">医院新闻</a> | <a href=\"/login.php\">职工登录</a></p><h1>" . htmlspecialchars($title) . "</h1>";
}

function foot()
{
    echo "</body></html>";
}
