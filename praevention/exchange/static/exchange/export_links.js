// The export links carry the list's filters. htmx changes the filters without reloading
// the page, so take them from the address bar it updates (without the page number).
(function () {
  "use strict";
  function update() {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    var query = params.toString();
    document.querySelectorAll("a[data-export-base]").forEach(function (link) {
      link.href = link.getAttribute("data-export-base") + (query ? "?" + query : "");
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", update);
  document.addEventListener("htmx:replacedInHistory", update);
  document.addEventListener("htmx:historyRestore", update);
  window.addEventListener("popstate", update);
})();
