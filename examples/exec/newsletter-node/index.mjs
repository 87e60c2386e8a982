// Newsletter sign-up (slide 24): POST the event to the mailing-list service, answer {}.
//
//   exports.h = async (e) => { await http.post({url: 'mailch.imp/add', data: e}); return {}; };
//
// Not idempotent: the service subscribes the address on every POST it receives. When its answer
// is lost (the POST arrived, the reply never came back, the function timed out), Lambda retries
// the event and the retry subscribes the same address again. RetryScope serves the endpoint; its
// URL arrives in RETRYSCOPE_ENDPOINT_MAILING_LIST (on AWS it would be an ordinary configuration
// variable). Node's global fetch, no packages.

export const handler = async (event) => {
  // No timeout of our own: the function's timeout is the one that ends a lost answer.
  const reply = await fetch(process.env.RETRYSCOPE_ENDPOINT_MAILING_LIST, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(event),
  });
  await reply.arrayBuffer();
  if (!reply.ok) throw new Error(`the mailing list answered HTTP ${reply.status}`);
  return {};
};
