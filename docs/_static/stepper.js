// A backward pass's step-through (autograd_guide.flow): one step at a time, with previous/next
// buttons and the left/right arrow keys. Without JavaScript every step shows, one after another.
(() => {
  for (const widget of document.querySelectorAll(".flow-steps")) {
    const steps = [...widget.querySelectorAll(".flow-step")];
    const nav = document.createElement("div");
    nav.className = "flow-nav";
    const button = (label) => {
      const b = nav.appendChild(document.createElement("button"));
      b.type = "button";
      b.textContent = label;
      return b;
    };
    const previous = button(widget.dataset.previous);
    const next = button(widget.dataset.next);
    let current = 0;
    const show = (index) => {
      current = Math.max(0, Math.min(steps.length - 1, index));
      steps.forEach((step, i) => { step.hidden = i !== current; });
      previous.disabled = current === 0;
      next.disabled = current === steps.length - 1;
    };
    previous.addEventListener("click", () => show(current - 1));
    next.addEventListener("click", () => show(current + 1));
    widget.addEventListener("keydown", (event) => {
      const step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (step) {
        event.preventDefault();
        show(current + step);
      }
    });
    widget.tabIndex = 0;
    widget.prepend(nav);
    show(0);
  }
})();
