<?php
// Router of `php -S`: logs each request (the benchmark counts every tool's requests the same way) and serves only the
// site's pages; the helper files are not pages.
if ($log = getenv('MG_REQUEST_LOG')) {
    file_put_contents($log, $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['REQUEST_URI'] . "\n", FILE_APPEND | LOCK_EX);
}
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/' || $path === '') {
    $path = '/index.php';
}
$pages = ['/index.php', '/news.php', '/login.php'];
if (in_array($path, $pages, true)) {
    require __DIR__ . $path;
    return true;
}
http_response_code(404);
echo "<html><body><h1>404 Not Found</h1></body></html>";
return true;
