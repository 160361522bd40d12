// The example app: an HTTP server on 8080 whose /health checks that Postgres
// accepts connections and Redis answers PING, with no npm dependencies.
// Like many dev apps it installs no SIGTERM handler: devenv runs it with an
// init process so `devenv down` does not wait out a grace period.
import { createServer } from 'node:http';
import { connect } from 'node:net';

function exchange(url, payload, ok) {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (data) => done(ok(data)));
  });
}

const pgStartup = () => {
  const body = Buffer.from('user\0user\0database\0myapp_dev\0\0');
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
};

const server = createServer(async (req, res) => {
  if (req.url === '/health') {
    const [postgres, redis] = await Promise.all([
      exchange(process.env.DATABASE_URL, pgStartup(), (data) => data[0] === 0x52),
      exchange(process.env.REDIS_URL, 'PING\r\n', (data) => data.toString().startsWith('+PONG')),
    ]);
    res.writeHead(postgres && redis ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ postgres, redis }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('hello from the devenv example app\n');
});

server.listen(8080, () => console.log(`app listening on 8080 (LOG_LEVEL=${process.env.LOG_LEVEL})`));
