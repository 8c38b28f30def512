// htmx under the Content-Security-Policy (imrsite/settings.py): no <style> element of its own (the indicator rules
// are in css/app.css), no eval (hx-on, js: values) and no <script> in swapped content. Loaded right after htmx, before
// it initialises on DOMContentLoaded.
htmx.config.includeIndicatorStyles = false;
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
