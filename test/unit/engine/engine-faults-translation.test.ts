import { describe, expect, it } from 'vitest';
import { engineFault, translateEngineError } from '../../../src/adapters/docker/engine-errors.js';

/** An error as docker-modem makes it: the HTTP status and the engine's JSON body. */
const modemError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message}`), {
    statusCode,
    json: { message },
  });

describe('engine faults at the adapter border', () => {
  it('a call the engine refused for lack of space is ENGINE_DISK_FULL, whatever the call', () => {
    const error = translateEngineError(
      modemError(500, 'mkdir /var/lib/docker/overlay2/abc-init: no space left on device'),
      'create container shop-main-db-1',
      'unix:///var/run/docker.sock',
    );
    expect(error.code).toBe('ENGINE_DISK_FULL');
    expect(error.message).toMatch(
      /^Could not create container shop-main-db-1: the Docker engine's disk is full/,
    );
    expect(error.details[0]).toContain('no space left on device');
  });

  it('a network the pools have no subnet for is ENGINE_ADDRESS_POOLS_EXHAUSTED', () => {
    const error = translateEngineError(
      modemError(
        500,
        'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
      ),
      'create network shop-main_default',
      'unix:///var/run/docker.sock',
    );
    expect(error.code).toBe('ENGINE_ADDRESS_POOLS_EXHAUSTED');
  });

  it('a build step that failed on a full disk says so from its output', () => {
    const error = engineFault(
      'build image devenv/shop-api:1',
      "The command '/bin/sh -c dd if=/dev/zero of=/blob' returned a non-zero code: 1",
      undefined,
      ['Step 2/2 : RUN dd if=/dev/zero of=/blob', "dd: error writing '/blob': No space left on device"],
    );
    expect(error?.code).toBe('ENGINE_DISK_FULL');
    expect(error?.details).toContain("dd: error writing '/blob': No space left on device");
    expect(
      engineFault('build image x', 'returned a non-zero code: 1', undefined, ['compiling']),
    ).toBeUndefined();
  });

  it('other engine errors stay ENGINE_ERROR', () => {
    expect(
      translateEngineError(modemError(404, 'No such container: x'), 'inspect container x', 'e').code,
    ).toBe('ENGINE_ERROR');
  });
});
