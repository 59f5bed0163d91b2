namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A page that loads old client libraries the way hospital sites do — a versioned jQuery file, Bootstrap's and
/// AngularJS's minified builds that name their version only in the banner (vulnerable) — or current ones (fixed).
/// </summary>
public sealed class OutdatedLibrarySite : ITestSite
{
    public string Name => "js-libraries";

    public string Description => "前端库：jQuery 1.8.3（文件名）、Bootstrap 3.3.7 与 AngularJS 1.5.8（文件头注释）；修复版为 jQuery 3.7.1、Bootstrap 5.3.3";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var vulnerable = twin == SiteTwin.Vulnerable;
        var jquery = vulnerable ? "jquery-1.8.3.min.js" : "jquery-3.7.1.min.js";
        var scripts = vulnerable
            ? $"<script src=\"/js/{jquery}\"></script><script src=\"/js/bootstrap.min.js\"></script><script src=\"/js/angular.min.js\"></script>"
            : $"<script src=\"/js/{jquery}\"></script><script src=\"/js/bootstrap.min.js\"></script>";
        return InProcessSite.StartAsync(Name, twin, options, app =>
        {
            app.MapGet("/", () => InProcessSite.Html($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>网上预约</title>{scripts}</head><body><h1>网上预约</h1></body></html>"));
            app.MapGet($"/js/{jquery}", () => Script(vulnerable
                ? "/*! jQuery v1.8.3 jquery.com | jquery.org/license */\n(function(e,t){var n,r;})(window);"
                : "/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors | jquery.org/license */\n!function(e,t){}(this);"));
            app.MapGet("/js/bootstrap.min.js", () => Script(vulnerable
                ? "/*!\n * Bootstrap v3.3.7 (http://getbootstrap.com)\n * Copyright 2011-2016 Twitter, Inc.\n * Licensed under the MIT license\n */\nif(\"undefined\"==typeof jQuery)throw new Error(\"Bootstrap's JavaScript requires jQuery\");"
                : "/*!\n  * Bootstrap v5.3.3 (https://getbootstrap.com/)\n  * Copyright 2011-2024 The Bootstrap Authors (https://github.com/twbs/bootstrap/graphs/contributors)\n  * Licensed under MIT (https://github.com/twbs/bootstrap/blob/main/LICENSE)\n  */\n!function(t,e){}(this);"));
            if (vulnerable)
            {
                app.MapGet("/js/angular.min.js", () => Script("/*\n AngularJS v1.5.8\n (c) 2010-2016 Google, Inc. http://angularjs.org\n License: MIT\n*/\n(function(C){'use strict';})(window);"));
            }
        }, cancellationToken: cancellationToken);
    }

    private static IResult Script(string text) => Results.Text(text, "application/javascript; charset=utf-8");
}
