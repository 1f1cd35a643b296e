// The language switcher lands on the same section of the twin page. Twins have the same
// sections in the same order (tests/test_twins.py), but their anchors are in their own
// language, so the switcher passes the section's position and the twin page finds its anchor.
(() => {
  const KEY = "twin-section";
  const sections = () => [...document.querySelectorAll("article section[id]")];

  const current = () => {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const inView = sections().filter((s) => s.getBoundingClientRect().top <= 80).pop();
    const section = (target && target.closest("section[id]")) || inView;
    return section ? sections().indexOf(section) : -1;
  };

  for (const link of document.querySelectorAll("a.lang-switch-link, a.row-lang")) {
    link.addEventListener("click", () => {
      const index = current();
      if (index > 0) {
        sessionStorage.setItem(KEY, JSON.stringify({ path: new URL(link.href).pathname, index }));
      }
    });
  }

  const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
  sessionStorage.removeItem(KEY);
  const section = saved && saved.path === location.pathname && !location.hash && sections()[saved.index];
  if (section) {
    history.replaceState(null, "", "#" + section.id);
    section.scrollIntoView({ behavior: "instant" });
    // Figures above it may still be loading and push it down: look again once they are in.
    if (document.readyState !== "complete") {
      addEventListener("load", () => section.scrollIntoView({ behavior: "instant" }), { once: true });
    }
  }
})();
