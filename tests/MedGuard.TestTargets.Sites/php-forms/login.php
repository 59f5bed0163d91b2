<?php
require __DIR__ . '/site.php';
head('职工登录');
// action="": the form posts to this page.
echo '<form method="post" action=""><input type="text" name="username" value=""><input type="password" name="password" value=""><input type="submit" value="登录"></form>';
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $u = $_POST['username'] ?? '';
    $p = $_POST['password'] ?? '';
    try {
        if ($fixed) {
            $stmt = $db->prepare("SELECT username FROM users WHERE username = ? AND password = ?");
            $stmt->execute([$u, $p]);
        } else {
            $stmt = $db->query("SELECT username FROM users WHERE username = '" . $u . "' AND password = '" . $p . "'");
        }
        $row = $stmt->fetch();
    } catch (PDOException $e) {
        $row = false;
    }
    echo $row ? '<p>欢迎，' . htmlspecialchars($row['username']) . '。<a href="/index.php">进入系统</a></p>' : '<p>用户名或密码错误</p>';
}
foot();
