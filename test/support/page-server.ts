/**
 * A web service built from a project's files (sent as the build context: no bind mount): node
 * serves page.txt on port 3000 and logs `listening` once it does. For the preview tests.
 */
export function pageServerFiles(listening: string): { Dockerfile: string; 'server.js': string } {
  return {
    Dockerfile:
      'ARG NODE_IMAGE=node:20\nFROM ${NODE_IMAGE}\nCOPY server.js page.txt /app/\nCMD ["node", "/app/server.js"]\n',
    'server.js': `const fs = require('fs');
require('http').createServer((q, s) => s.end(fs.readFileSync('/app/page.txt', 'utf8').trim())).listen(3000, () => console.log(${JSON.stringify(listening)}));
`,
  };
}
