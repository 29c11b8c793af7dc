// Third participant through a Jitsi Meet room; external_api.js is loaded from the configured host only when used.
import { h, clear, announce } from './dom.js';

let loading = null;

function loadExternalApi(baseUrl) {
  if (window.JitsiMeetExternalAPI) return Promise.resolve();
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `${baseUrl.replace(/\/$/, '')}/external_api.js`;
      script.onload = resolve;
      script.onerror = () => { loading = null; reject(new Error('jitsi')); };
      document.head.append(script);
    });
  }
  return loading;
}

/** The group room of a call: joins it when the server sends call.jitsiRoom to this member. */
export function jitsiRoom({ signal, callId, baseUrl }) {
  const host = new URL(baseUrl).host;
  const frame = h('div', { class: 'jitsi-frame', id: 'jitsi-frame' });
  let meeting = null;
  const off = signal.on('call.jitsiRoom', async (msg) => {
    if (msg.callId !== callId) return;
    try {
      await loadExternalApi(baseUrl);
      clear(frame);
      meeting?.dispose();
      meeting = new window.JitsiMeetExternalAPI(host, { roomName: msg.roomName, jwt: msg.jwt, parentNode: frame, width: '100%', height: 360 });
    } catch {
      announce('jitsi.unavailable', null, 'error');
    }
  });
  return { frame, dispose: () => { off(); meeting?.dispose(); } };
}

/** The specialist's panel during a call: open the group room and invite a third participant (interpreter, second opinion). */
export function jitsiPanel({ signal, callId, baseUrl }) {
  const room = jitsiRoom({ signal, callId, baseUrl });
  const name = h('input', { id: 'invite-name', autocomplete: 'off', i18nAttr: { placeholder: 'jitsi.inviteName' } });
  const link = h('output', { class: 'invite-link', dir: 'ltr' });
  const open = h('button', { type: 'button', class: 'secondary', i18n: 'jitsi.open',
    onclick: () => signal.request({ type: 'call.jitsi', callId }).catch((e) => announce(`error.${e.code}`, null, 'error')) });
  const invite = h('button', { type: 'button', class: 'secondary', i18n: 'jitsi.invite',
    onclick: async () => {
      try {
        const reply = await signal.request({ type: 'call.invite', callId, name: name.value.trim() || 'guest' });
        // A single-use link to this server, which lets the guest into the room once.
        link.textContent = new URL(reply.url, window.location.origin).href;
      } catch (e) {
        announce(`error.${e.code}`, null, 'error');
      }
    } });
  const panel = h('section', { class: 'jitsi' }, h('h3', { i18n: 'jitsi.title' }), open, h('div', { class: 'row' }, name, invite), link, room.frame);
  return { panel, dispose: room.dispose };
}
