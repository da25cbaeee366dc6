"use strict";
// the page's own id only tells the server which page wrote; the conversation itself is the server's
// HttpOnly cookie, so this id alone reaches nothing
const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2));
let user = localStorage.dvcUser || (localStorage.dvcUser = newId());
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
const MAX_TEXT = 10000;  // the API refuses longer messages (handlers/channels/webchat.py MAX_TEXT)
const TOO_LONG = "Tin nhắn dài quá nên chưa gửi được (tối đa 10.000 ký tự). Bạn hãy gửi ngắn hơn, mỗi lần một câu hỏi.";
const REFUSED = {413: TOO_LONG, 429: "Bạn gửi nhanh quá, đợi một chút rồi gửi lại nhé."};
async function send(body) {
  try {
    const r = await fetch("/api/chat", {method: "POST", headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify(Object.assign({user, message_id: newId()}, body))});
    if (!r.ok) {  // refused input: always say why in Vietnamese, even when the body is not JSON
      let reason = REFUSED[r.status];
      if (!reason) { try { reason = "Tin nhắn chưa gửi được: " + (await r.json()).error; } catch (e) { reason = null; } }
      bubble(reason || "Có lỗi, tin nhắn chưa gửi được. Bạn thử lại nhé.", "bot");
      return;
    }
    (await r.json()).replies.forEach(show);
  } catch (e) { bubble("Mất kết nối tới máy chủ, bạn thử lại sau ít phút nhé.", "bot"); }
}
document.getElementById("f").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = document.getElementById("q"); const text = q.value.trim(); if (!text) return;
  q.value = "";
  if (text.length > MAX_TEXT) {  // do not send what the API refuses; keep the page short
    bubble(text.slice(0, 300) + "…", "me");
    bubble(TOO_LONG + " (Bạn đã gõ " + text.length.toLocaleString("vi-VN") + " ký tự.)", "bot");
    return;
  }
  bubble(text, "me"); send({text});
});
// answers from the support team arrive later: ask for them while the page is open
async function poll() {
  if (document.hidden) return;
  try {
    const r = await fetch("/api/chat/updates");
    if (r.ok) (await r.json()).replies.forEach(show);
  } catch (e) { /* offline for a moment: the next poll tries again */ }
}
setInterval(poll, 5000);
// a shared computer (commune office): the next person starts afresh; a new page id makes the server start a
// new conversation and replace the cookie, so nothing of the last one can be fetched from here any more
document.getElementById("new").addEventListener("click", () => {
  if (!confirm("Bắt đầu cuộc trò chuyện mới? Nội dung đang hiện sẽ được xoá khỏi màn hình.")) return;
  user = localStorage.dvcUser = newId();
  log.replaceChildren();
  send({payload: "start"});
});
send({payload: "start"});
