// Progress pages (bulk invitation, client import): the element marked
// data-refresh-seconds is fetched again every few seconds and its content replaced in
// place, until the new version no longer carries the mark (finished or stopped).
// No page reload (WCAG 2.2.1: a timed refresh loses a screen reader's place and the
// keyboard focus). The new status line is read out through one polite live region
// that stays in the page (a live region inserted afresh is not reliably announced).
// Without JavaScript the page offers a link to check again.
(function () {
  "use strict";
  var region = document.querySelector("[data-refresh-seconds]");
  if (!region || !region.id || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Math.max(1, Number(region.getAttribute("data-refresh-seconds")) || 3);
  var announcer = document.createElement("p");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  region.parentNode.insertBefore(announcer, region.nextSibling);

  function update() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(region.id);
        if (!fresh) {
          return schedule();
        }
        var status = fresh.querySelector("[role=status], [role=alert]");
        var said = status ? status.textContent.trim() : "";
        if (status && status.getAttribute("role") === "status") {
          status.removeAttribute("role"); // the announcer says it, once
        }
        region.innerHTML = fresh.innerHTML;
        document.title = page.title;
        if (said && said !== announcer.textContent) {
          announcer.textContent = said;
        }
        if (fresh.hasAttribute("data-refresh-seconds")) {
          schedule();
        } else {
          region.removeAttribute("data-refresh-seconds");
        }
      })
      .catch(schedule);
  }

  function schedule() {
    window.setTimeout(update, seconds * 1000);
  }

  schedule();
})();
