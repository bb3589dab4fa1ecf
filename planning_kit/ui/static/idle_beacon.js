// Tells the kernel when the browser has settled, so that work can be done ahead of the user
// (the launchpad builds the open plan's tiles, hidden, so that a click only shows them).
//
// The kernel raises `ticket` when it has such work. For each ticket this view waits until the
// browser is idle, then sends {event: "idle", ticket} once. Ticket 0 means "nothing to do".

function whenIdle(callback) {
  if (typeof window.requestIdleCallback === "function") {
    window.requestIdleCallback(callback, { timeout: 2000 });
  } else {
    window.setTimeout(callback, 300);
  }
}

export default {
  render({ model, el }) {
    el.style.display = "none";
    let sent = 0;
    const ask = () => {
      const ticket = model.get("ticket");
      if (!ticket || ticket === sent) return;
      whenIdle(() => {
        if (model.get("ticket") !== ticket || ticket === sent) return;
        sent = ticket;
        model.send({ event: "idle", ticket });
      });
    };
    model.on("change:ticket", ask);
    ask();
    return () => model.off("change:ticket", ask);
  },
};
