import { describe, expect, it } from 'vitest';
import { loadConfigTree } from '../../../src/core/config/index.js';
import { snapshotSettings } from '../../../src/core/config/snapshot-settings.js';
import { BASE_PROJECT, files, problemsOf } from '../../support/config-fixtures.js';

const child = (env: string, parent: string, ...lines: string[]) => ({ [`${env}/project.yaml`]: [`env: ${env}`, `parent: ${parent}`, ...lines] });

describe('datastore_snapshots:', () => {
  it('keeps snapshots in a folder by default, or in an object store; the closest file naming a location chooses it, options merging down', () => {
    const tree = loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'datastore_snapshots: { url: "s3://acme-snapshots/nestor/", region: eu-west-1, keep: 5 }'],
      ...child('staging', 'production', 'datastore_snapshots: { url: s3://acme-staging, endpoint: "http://minio.tools:9000/", force_path_style: true }'),
      ...child('dev3', 'staging', 'datastore_snapshots: { folder: /mnt/snapshots }'),
      ...child('dev4', 'staging'),
      ...child('qa', 'production', 'datastore_snapshots: { keep: 2 }'),
    }));
    expect(snapshotSettings(tree, 'production')).toEqual({
      location: { url: 's3://acme-snapshots/nestor/', bucket: 'acme-snapshots', prefix: 'nestor', region: 'eu-west-1' }, keep: 5,
    });
    expect(snapshotSettings(tree, 'staging')).toEqual({
      location: { url: 's3://acme-staging', bucket: 'acme-staging', prefix: '', region: 'eu-west-1', endpoint: 'http://minio.tools:9000', forcePathStyle: true }, keep: 5,
    });
    expect(snapshotSettings(tree, 'dev3')).toEqual({ location: { folder: '/mnt/snapshots' }, keep: 5 });
    expect(snapshotSettings(tree, 'dev4').location).toMatchObject({ bucket: 'acme-staging', endpoint: 'http://minio.tools:9000' });
    expect(snapshotSettings(tree, 'qa')).toEqual({ location: { url: 's3://acme-snapshots/nestor/', bucket: 'acme-snapshots', prefix: 'nestor', region: 'eu-west-1' }, keep: 2 });
    expect(snapshotSettings(loadConfigTree(files({ 'production/project.yaml': BASE_PROJECT })), 'production')).toEqual({ location: { folder: 'snapshots' }, keep: 7 });
  });

  it('refuses a folder and a url together, object-store options for a folder, and malformed locations, with file:line:col', () => {
    const problems = problemsOf(() => loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'datastore_snapshots: { folder: snaps, url: s3://acme-snapshots }'],
      ...child('staging', 'production', 'datastore_snapshots: { folder: snaps, region: eu-west-1 }'),
      ...child('dev3', 'staging', 'datastore_snapshots: { endpoint: "http://minio:9000" }'),
    })));
    expect(problems).toEqual([
      'dev3/project.yaml:3:24: datastore_snapshots.endpoint: datastore_snapshots.endpoint is for an object store, and dev3\'s snapshots are kept in a folder (staging/project.yaml names a folder): set url: s3://<bucket>/<prefix> too, or remove it',
      'production/project.yaml:8:39: datastore_snapshots.url: datastore_snapshots names a folder and a url: keep one of them',
      'staging/project.yaml:3:39: datastore_snapshots.region: datastore_snapshots.region is for an object store, and staging\'s snapshots are kept in a folder (staging/project.yaml names a folder): set url: s3://<bucket>/<prefix> too, or remove it',
    ]);
    expect(problemsOf(() => loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'datastore_snapshots: { url: "https://acme-snapshots.s3.amazonaws.com" }'],
    })))).toEqual(['production/project.yaml:8:29: datastore_snapshots.url: expected an object store location, s3://<bucket>[/<prefix>], got "https://acme-snapshots.s3.amazonaws.com"']);
    expect(problemsOf(() => loadConfigTree(files({
      'production/project.yaml': [...BASE_PROJECT, 'datastore_snapshots: { url: s3://acme-snapshots, endpoint: "http://key:secret@minio:9000" }'],
    })))).toEqual(['production/project.yaml:8:50: datastore_snapshots.endpoint: expected http(s)://<host>[:<port>], without credentials (the AWS SDK reads them from Nestor\'s environment)']);
  });
});
