import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { imageCandidates, isLocalSource, localImageSources, replaceImageSources, rewriteEmbeds } from '../src/review/images';

describe('card images', () => {
  it('turns Obsidian image embeds into markdown images, leaving note embeds alone', () => {
    assert.equal(rewriteEmbeds('See ![[diagram.png]] here'), 'See ![diagram.png](<diagram.png>) here');
    assert.equal(rewriteEmbeds('![[img/a b.JPG|300]]'), '![img/a b.JPG](<img/a b.JPG>)');
    assert.equal(rewriteEmbeds('![[cell.svg|A cell]]'), '![A cell](<cell.svg>)');
    assert.equal(rewriteEmbeds('![[Other note]] and ![[note#Heading]]'), '![[Other note]] and ![[note#Heading]]');
  });

  it('finds local sources in rendered HTML, decoded, and replaces only those', () => {
    const html = '<p><img src="img/a%20b.png" alt="x"> <img alt="y" src=\'https://e.org/y.png\'> <img src="data:image/png;base64,AA"> <img src="c.png?x=1&amp;y=2"></p>';
    assert.deepEqual(localImageSources(html), ['img/a b.png', 'c.png?x=1&y=2']);
    const out = replaceImageSources(html, new Map([['img/a b.png', 'https://file+.vscode-resource/v/img/a%20b.png']]));
    assert.match(out, /<img src="https:\/\/file\+\.vscode-resource\/v\/img\/a%20b\.png" alt="x">/);
    assert.match(out, /src='https:\/\/e.org\/y.png'/);
    assert.match(out, /src="c.png\?x=1&amp;y=2"/, 'unresolved sources stay');
  });

  it('knows what is local', () => {
    assert.equal(isLocalSource('a.png'), true);
    assert.equal(isLocalSource('/abs/a.png'), true);
    assert.equal(isLocalSource('https://x/a.png'), false);
    assert.equal(isLocalSource('vscode-resource:/a.png'), false);
    assert.equal(isLocalSource('//cdn/a.png'), false);
    assert.equal(isLocalSource(''), false);
  });

  it('looks beside the note first, then at the vault root', () => {
    assert.deepEqual(imageCandidates('img/a.png', '/v/notes', '/v', path.posix.join), ['/v/notes/img/a.png', '/v/img/a.png']);
    assert.deepEqual(imageCandidates('a.png#x', '/v', '/v', path.posix.join), ['/v/a.png']);
    assert.deepEqual(imageCandidates('a.png', '/v', undefined, path.posix.join), ['/v/a.png']);
  });
});
