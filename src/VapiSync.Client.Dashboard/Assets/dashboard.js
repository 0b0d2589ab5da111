// VapiSync dashboard: the only script. It polls a running audit's progress and reloads the page when it finishes.
// Without JavaScript the page refreshes itself (noscript meta refresh); every action works without it.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.finished) { window.location.reload(); return; }
        if (status.total) { bar.max = status.total; bar.value = status.completed; } else { bar.removeAttribute("value"); }
        text.textContent = status.phase + ": " + status.completed + (status.total ? " of " + status.total : "");
        window.setTimeout(poll, 400);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 200);
})();
