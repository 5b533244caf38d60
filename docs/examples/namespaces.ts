// Two namespaces joined by a veth pair, an HTTP server in one, a request from the other.
import http from 'node:http';
import { Rtnl, addNetns, connectInNetns, deleteNetns, listenInNetns } from 'rtnetlink';

addNetns('left');
addNetns('right');
try {
  const left = await Rtnl.open({ netns: 'left' });
  const right = await Rtnl.open({ netns: 'right' });
  await left.links.add({ name: 'veth-l', kind: 'veth', peer: { name: 'veth-r', netns: 'right' }, up: true });
  await right.links.set('veth-r', { up: true });
  await left.addresses.add({ link: 'veth-l', address: '192.0.2.1/24' });
  await right.addresses.add({ link: 'veth-r', address: '192.0.2.2/24' });

  const server = listenInNetns('right', http.createServer((_req, res) => res.end('hello from right')), { port: 8080 });
  await new Promise((resolve) => server.once('listening', resolve));
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ createConnection: () => connectInNetns('left', { host: '192.0.2.2', port: 8080 }) }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  console.log(body);
  server.close();
  left.close();
  right.close();
} finally {
  deleteNetns('left');
  deleteNetns('right');
}
