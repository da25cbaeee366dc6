"use strict";
const user = localStorage.dvcUser || (localStorage.dvcUser = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)));
const log = document.getElementById("log");
function bubble(text, who) {
  const div = document.createElement("div");
  div.className = "msg " + who;
  text.split(/\*\*(.+?)\*\*/s).forEach((part, i) => {   // **bold** in answers, as text nodes only
    if (i % 2) { const b = document.createElement("strong"); b.textContent = part; div.appendChild(b); }
    else div.appendChild(document.createTextNode(part));
  });
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}
function show(reply) {
  const div = bubble(reply.text, "bot");
  if (!reply.buttons.length) return;
  const row = document.createElement("div");
  row.className = "buttons";
  for (const b of reply.buttons) {
    if (b.url) {
      const a = document.createElement("a");
      a.href = b.url; a.target = "_blank"; a.rel = "noopener"; a.textContent = "🔗 " + b.title;
      row.appendChild(a);
    } else {
      const btn = document.createElement("button");
      btn.type = "button"; btn.className = "choice"; btn.textContent = b.title; btn.dataset.payload = b.payload;
      btn.addEventListener("click", () => { bubble(b.title, "me"); send({payload: b.payload}); });
      row.appendChild(btn);
    }
  }
  div.appendChild(row);
  log.scrollTop = log.scrollHeight;
}
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2));
async function send(body) {
  try {
    const r = await fetch("/api/chat", {method: "POST", headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify(Object.assign({user, message_id: newId()}, body))});
    const data = await r.json();
    if (!r.ok) { bubble(data.error || "Có lỗi, bạn thử lại nhé.", "bot"); return; }
    data.replies.forEach(show);
  } catch (e) { bubble("Mất kết nối tới máy chủ, bạn thử lại sau ít phút nhé.", "bot"); }
}
document.getElementById("f").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = document.getElementById("q"); const text = q.value.trim(); if (!text) return;
  bubble(text, "me"); q.value = ""; send({text});
});
// answers from the support team arrive later: ask for them while the page is open
async function poll() {
  if (document.hidden) return;
  try {
    const r = await fetch("/api/chat/updates?user=" + encodeURIComponent(user));
    if (r.ok) (await r.json()).replies.forEach(show);
  } catch (e) { /* offline for a moment: the next poll tries again */ }
}
setInterval(poll, 5000);
send({payload: "start"});
