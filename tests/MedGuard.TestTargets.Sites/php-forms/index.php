<?php
require __DIR__ . '/site.php';
head('药品价格查询');
// action="#": the form posts to this page.
echo '<form method="post" action="#"><input type="text" name="keyword" value=""><input type="submit" value="查询"></form>';
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $keyword = $_POST['keyword'] ?? '';
    try {
        if ($fixed) {
            $stmt = $db->prepare("SELECT name, price FROM drugs WHERE name LIKE ?");
            $stmt->execute(['%' . $keyword . '%']);
            echo '<p>查询：' . htmlspecialchars($keyword) . '</p>';
        } else {
            $stmt = $db->query("SELECT name, price FROM drugs WHERE name LIKE '%" . $keyword . "%'");
            echo '<p>查询：' . $keyword . '</p>';
        }
        echo '<table>';
        foreach ($stmt as $row) {
            echo '<tr><td>' . htmlspecialchars($row['name']) . '</td><td>' . $row['price'] . '</td></tr>';
        }
        echo '</table>';
    } catch (PDOException $e) {
        // The vulnerable twin shows the database's message, as many such sites do.
        echo $fixed ? '<p>查询失败</p>' : '<p>查询失败：' . $e->getMessage() . '</p>';
    }
}
foot();
