// A graph figure wider than the column (autograd_guide.figure) scrolls in its box; this adds a
// button that opens it at full size in a dialog, where it scrolls both ways (Esc or the button closes).
(() => {
  const dialog = document.createElement("dialog");
  dialog.className = "graph-full";
  const close = dialog.appendChild(document.createElement("button"));
  close.type = "button";
  close.addEventListener("click", () => dialog.close());
  const holder = dialog.appendChild(document.createElement("div"));
  dialog.addEventListener("close", () => holder.replaceChildren());
  document.body.append(dialog);
  const boxes = [...document.querySelectorAll(".graph-box")].map((box) => {
    const open = document.createElement("button");
    open.type = "button";
    open.className = "graph-open";
    open.textContent = box.dataset.full;
    open.addEventListener("click", () => {
      const svg = box.querySelector("svg").cloneNode(true);
      svg.style.minWidth = `${svg.getAttribute("width")}px`;
      holder.replaceChildren(svg);
      close.textContent = box.dataset.close;
      dialog.showModal();
    });
    box.before(open);
    return [box, open];
  });
  const update = () => {
    for (const [box, open] of boxes) {
      open.hidden = box.scrollWidth <= box.clientWidth + 1;
      // A graph's root is at the top in the middle: start a wide one there, not at its left edge.
      if (!open.hidden && !box.dataset.centred) {
        box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
        box.dataset.centred = "yes";
      }
    }
  };
  // A box's width changes with the window, and from 0 when its step of a step-through shows.
  const observer = new ResizeObserver(update);
  for (const [box] of boxes) observer.observe(box);
})();
