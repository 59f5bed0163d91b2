<?php
require __DIR__ . '/site.php';
head('医院新闻');
// No action at all: the GET form submits to this page.
echo '<form method="get"><input type="text" name="id" value="1"><input type="submit" value="查看"></form>';
$id = $_GET['id'] ?? '1';
try {
    if ($fixed) {
        $stmt = $db->prepare("SELECT title, body FROM news WHERE id = ?");
        $stmt->execute([$id]);
    } else {
        $stmt = $db->query("SELECT title, body FROM news WHERE id = " . $id);
    }
    $row = $stmt->fetch();
} catch (PDOException $e) {
    $row = false; // errors are swallowed here: only the boolean difference shows
}
echo $row ? '<h2>' . htmlspecialchars($row['title']) . '</h2><p>' . htmlspecialchars($row['body']) . '</p>' : '<p>未找到该新闻</p>';
foot();
