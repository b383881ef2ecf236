import { describe, expect, it } from 'vitest';
import { withDatabase } from '../../support/test-mongo.js';

describe('withDatabase', () => {
  it('appends a database to a URI without a path', () => {
    expect(withDatabase('mongodb://127.0.0.1:27017', 'db1')).toBe('mongodb://127.0.0.1:27017/db1');
  });

  it('replaces an existing database and keeps the options', () => {
    expect(withDatabase('mongodb://u:p@a:1,b:2/old?replicaSet=rs0&authSource=admin', 'db1')).toBe(
      'mongodb://u:p@a:1,b:2/db1?replicaSet=rs0&authSource=admin',
    );
  });

  it('keeps options given without a path', () => {
    expect(withDatabase('mongodb+srv://cluster.example.net/?retryWrites=true', 'db1')).toBe(
      'mongodb+srv://cluster.example.net/db1?retryWrites=true',
    );
  });
});
