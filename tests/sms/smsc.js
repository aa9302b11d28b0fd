// A carrier's SMS centre for the tests: a real SMPP server (the smpp package from npm) on loopback.
// It accepts one transmitter account, takes each submit_sm, and prints it as a JSON line; numbers ending
// in 0000000 are refused (ESME_RSUBMITFAIL), as a centre refuses a number it cannot deliver to.
// The first line printed is {"port": N}.
"use strict";
const smpp = require("smpp");

const SYSTEM_ID = process.argv[2] || "bluezone";
const PASSWORD = process.argv[3] || "secret";
let nextId = 1;

const server = smpp.createServer((session) => {
  session.on("bind_transmitter", (pdu) => {
    if (pdu.system_id !== SYSTEM_ID || pdu.password !== PASSWORD) {
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      session.close();
      return;
    }
    session.send(pdu.response());
  });
  session.on("submit_sm", (pdu) => {
    const message = pdu.short_message || {};
    const udh = (message.udh || []).map((part) => Buffer.from(part).toString("hex"));
    const refused = pdu.destination_addr.endsWith("0000000");
    console.log(JSON.stringify({
      to: pdu.destination_addr,
      from: pdu.source_addr,
      data_coding: pdu.data_coding,
      esm_class: pdu.esm_class,
      udh: udh,
      text: typeof message === "string" ? message : String(message.message || ""),
      refused: refused,
    }));
    if (refused) {
      session.send(pdu.response({ command_status: smpp.ESME_RSUBMITFAIL }));
      return;
    }
    session.send(pdu.response({ message_id: String(nextId++) }));
  });
  session.on("enquire_link", (pdu) => session.send(pdu.response()));
  session.on("unbind", (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on("error", () => {});
});

server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
