"use strict";
// The sandbox page: draws what the server renders, and sends what a person does.
// The server owns all state; this file keeps only who is acting and which thread the
// message box replies in. Updates arrive over one WebSocket per tab (/live?user=…).

const state = { me: null, socket: null, retries: 0, threadTs: null, modal: null };
const $ = (selector) => document.querySelector(selector);

document.addEventListener("DOMContentLoaded", start);

async function start() {
  const workspace = await (await fetch("/ui/workspace")).json();
  $("#team").textContent = workspace.team;
  document.querySelectorAll(".channel-name").forEach((el) => (el.textContent = workspace.channel.name));
  $("#channel-topic").textContent = workspace.channel.topic;
  document.title = `#${workspace.channel.name} · ${workspace.team}`;
  const select = $("#user");
  for (const person of workspace.people) {
    const option = document.createElement("option");
    option.value = person.id;
    option.textContent = `${person.real_name} (${person.role})`;
    select.append(option);
  }
  const wanted = new URLSearchParams(location.search).get("as") || sessionStorage.getItem("sandbox-user");
  const ids = workspace.people.map((p) => p.id);
  state.me = ids.includes(wanted) ? wanted : ids[0];
  select.value = state.me;
  select.addEventListener("change", () => actAs(select.value));
  setUpComposer();
  setUpModal();
  document.addEventListener("click", onClick);
  connect();
}

function actAs(user) {
  state.me = user;
  sessionStorage.setItem("sandbox-user", user);
  leaveThread();
  connect();
}

// Live updates

function connect() {
  if (state.socket) {
    state.socket.onclose = null;
    state.socket.close();
  }
  delete document.body.dataset.liveUser;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/live?user=${encodeURIComponent(state.me)}`);
  state.socket = socket;
  showConnection("connecting…", false);
  socket.onmessage = (event) => apply(JSON.parse(event.data));
  socket.onclose = () => {
    if (state.socket !== socket) return;
    showConnection("reconnecting…", false);
    // Back off, so a stopped sandbox is not hammered.
    setTimeout(connect, Math.min(5000, 250 * 2 ** state.retries++));
  };
}

function showConnection(text, live) {
  const el = $("#connection");
  el.textContent = text;
  el.classList.toggle("live", live);
}

function apply(event) {
  if (event.type === "snapshot") {
    $("#messages").replaceChildren();
    event.messages.forEach(upsert);
    showModal(event.modal);
    state.retries = 0;
    showConnection("live", true);
    // Tests and people both wait on this: the page now shows what this person sees.
    document.body.dataset.liveUser = state.me;
    revealLinkedMessage();
  } else if (event.type === "message") {
    upsert(event.message);
  } else if (event.type === "message_deleted") {
    document.getElementById(`m-${event.ts}`)?.remove();
  } else if (event.type === "modal") {
    showModal(event.modal);
  }
}

// Messages

function upsert(message) {
  const isReply = Boolean(message.thread_ts && message.thread_ts !== message.ts);
  let row = document.getElementById(`m-${message.ts}`);
  if (!row) {
    row = document.createElement("article");
    row.id = `m-${message.ts}`;
    row.className = "message";
    row.dataset.ts = message.ts;
    const main = document.createElement("div");
    main.className = "message-main";
    row.append(main);
    if (!isReply) {
      const thread = document.createElement("div");
      thread.className = "thread";
      thread.dataset.threadOf = message.ts;
      row.append(thread);
    }
    const parent = isReply && document.querySelector(`[data-thread-of="${message.thread_ts}"]`);
    insertInOrder(parent || $("#messages"), row);
  }
  row.classList.toggle("reply", isReply);
  row.classList.toggle("ephemeral", message.ephemeral);
  row.classList.toggle("from-bot", message.from_bot);
  const main = row.querySelector(".message-main");
  main.innerHTML = message.html;
  if (!isReply && !message.ephemeral) {
    const reply = document.createElement("button");
    reply.type = "button";
    reply.className = "reply-link";
    reply.dataset.replyTo = message.ts;
    reply.textContent = "Reply in thread";
    main.querySelector(".message-body").append(reply);
  }
  formatTimes(row);
  const list = $("#messages");
  list.scrollTop = list.scrollHeight;
}

function insertInOrder(container, row) {
  const later = [...container.children].find((el) => el.dataset.ts && tsAfter(el.dataset.ts, row.dataset.ts));
  container.insertBefore(row, later || null);
}

function tsAfter(a, b) {
  // Slack ts: "seconds.micros"; compared as two integers, floats would round them.
  const [as, am] = a.split(".").map(Number);
  const [bs, bm] = b.split(".").map(Number);
  return as > bs || (as === bs && am > bm);
}

function revealLinkedMessage() {
  if (!location.hash.startsWith("#m-")) return;
  const row = document.getElementById(location.hash.slice(1));
  if (!row) return;
  row.classList.add("linked");
  row.scrollIntoView({ block: "center" });
}

// Clicks: Block Kit buttons (after their confirm dialog), "Reply in thread"

async function onClick(event) {
  const button = event.target.closest(".bk-button");
  if (button) {
    event.preventDefault();
    await press(button);
    return;
  }
  const reply = event.target.closest(".reply-link");
  if (reply) replyInThread(reply.dataset.replyTo);
}

async function press(button) {
  if (button.dataset.confirm && !(await confirmed(JSON.parse(button.dataset.confirm)))) return;
  if (button.dataset.url) window.open(button.dataset.url, "_blank", "noopener");
  const click = { user: state.me, block_id: button.dataset.blockId, action_id: button.dataset.actionId };
  if (button.closest("#modal")) click.view_id = state.modal.id;
  else click.message_ts = button.closest(".message").dataset.ts;
  button.classList.add("busy");
  try {
    await send("/ui/click", click);
  } finally {
    button.classList.remove("busy");
  }
}

function confirmed(confirm) {
  const dialog = $("#confirm");
  // Every part was rendered and escaped by the sandbox, like the messages themselves.
  $("#confirm-title").innerHTML = confirm.title;
  $("#confirm-text").innerHTML = confirm.text;
  const ok = $("#confirm-ok");
  const deny = $("#confirm-deny");
  ok.innerHTML = confirm.confirm;
  deny.innerHTML = confirm.deny;
  ok.className = confirm.style === "danger" ? "danger" : "primary";
  return new Promise((resolve) => {
    const finish = (answer) => {
      ok.onclick = deny.onclick = dialog.oncancel = null;
      dialog.close();
      resolve(answer);
    };
    ok.onclick = () => finish(true);
    deny.onclick = () => finish(false);
    dialog.oncancel = (event) => {
      event.preventDefault();
      finish(false);
    };
    dialog.showModal();
  });
}

// The message box

function setUpComposer() {
  const form = $("#composer");
  const text = $("#composer-text");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = text.value.trim();
    if (!typed) return;
    text.value = "";
    await send("/ui/compose", { user: state.me, text: typed, thread_ts: state.threadTs });
  });
  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("#leave-thread").addEventListener("click", leaveThread);
}

function replyInThread(ts) {
  state.threadTs = ts;
  document.querySelectorAll(".message.replying").forEach((el) => el.classList.remove("replying"));
  document.getElementById(`m-${ts}`)?.classList.add("replying");
  $("#thread-target").hidden = false;
  $("#composer-text").focus();
}

function leaveThread() {
  state.threadTs = null;
  document.querySelectorAll(".message.replying").forEach((el) => el.classList.remove("replying"));
  $("#thread-target").hidden = true;
}

// Modals

function setUpModal() {
  const form = $("#modal-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state.modal) return;
    const submit = form.querySelector(".modal-submit");
    if (submit) submit.disabled = true;
    await send("/ui/submit", { user: state.me, view_id: state.modal.id, values: typedValues(form) });
    if (submit) submit.disabled = false;
  });
  form.addEventListener("click", (event) => {
    if (event.target.closest(".modal-cancel, .modal-close")) closeModal();
  });
  $("#modal").addEventListener("cancel", (event) => {
    event.preventDefault();
    closeModal();
  });
}

function typedValues(form) {
  const values = {};
  form.querySelectorAll(".bk-input").forEach((input) => {
    values[input.dataset.blockId] ??= {};
    values[input.dataset.blockId][input.dataset.actionId] = input.value;
  });
  return values;
}

function closeModal() {
  if (state.modal) send("/ui/close", { user: state.me, view_id: state.modal.id });
}

function showModal(modal) {
  const dialog = $("#modal");
  state.modal = modal;
  if (!modal) {
    if (dialog.open) dialog.close();
    return;
  }
  $("#modal-form").innerHTML = modal.html;
  dialog.dataset.viewId = modal.id;
  formatTimes(dialog);
  if (!dialog.open) dialog.showModal();
  (dialog.querySelector(".invalid .bk-input") || dialog.querySelector(".bk-input"))?.focus();
}

// Talking to the sandbox

async function send(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!answer.ok) toast(`The sandbox refused that: ${answer.error}`);
  } catch (error) {
    toast(`Could not reach the sandbox: ${error}`);
  }
}

function toast(text) {
  const el = $("#toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 6000);
}

// Times: Slack shows <!date^…> and message times in the reader's own time zone.

function formatTimes(root) {
  root.querySelectorAll("time.sent").forEach((el) => {
    el.textContent = new Date(el.dateTime).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  });
  root.querySelectorAll("time.slack-date").forEach((el) => {
    el.textContent = slackDate(new Date(el.dateTime), el.dataset.format);
    el.title = new Date(el.dateTime).toString();
  });
}

function slackDate(moment, format) {
  const day = (options) => moment.toLocaleDateString("en-US", options);
  const ordinal = (n) => (n % 100 >= 11 && n % 100 <= 13 ? `${n}th` : n + ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th"));
  const date = `${day({ month: "long" })} ${ordinal(moment.getDate())}, ${moment.getFullYear()}`;
  const pretty = (fallback) => {
    const today = new Date();
    const days = Math.round((startOfDay(moment) - startOfDay(today)) / 86400000);
    return { 0: "today", "-1": "yesterday", 1: "tomorrow" }[days] || fallback;
  };
  const tokens = {
    date_num: `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`,
    date_slash: `${pad(moment.getDate())}/${pad(moment.getMonth() + 1)}/${moment.getFullYear()}`,
    date,
    date_long_full: day({ month: "long", day: "numeric", year: "numeric" }),
    date_short: day({ month: "short", day: "numeric", year: "numeric" }),
    date_long: `${day({ weekday: "long" })}, ${date}`,
    date_pretty: pretty(date),
    date_short_pretty: pretty(day({ month: "short", day: "numeric", year: "numeric" })),
    date_long_pretty: pretty(`${day({ weekday: "long" })}, ${date}`),
    day_divider_pretty: pretty(
      moment.getFullYear() === new Date().getFullYear()
        ? `${day({ weekday: "long" })}, ${day({ month: "long" })} ${ordinal(moment.getDate())}`
        : `${day({ weekday: "long" })}, ${date}`,
    ),
    time: moment.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" }),
    time_secs: moment.toLocaleTimeString("en-US"),
    ago: ago(moment),
  };
  const text = format.replace(/\{(\w+)\}/g, (whole, name) => tokens[name] ?? whole);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function ago(moment) {
  const seconds = Math.round((Date.now() - moment) / 1000);
  const units = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];
  const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) || units[3];
  return new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(-Math.round(seconds / size), unit);
}

function startOfDay(moment) {
  return new Date(moment.getFullYear(), moment.getMonth(), moment.getDate());
}

function pad(n) {
  return String(n).padStart(2, "0");
}
