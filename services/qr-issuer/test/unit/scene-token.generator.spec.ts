import { SCENE_TOKEN_BYTES, SceneTokenGenerator } from '../../src/qr/scene-token.generator';

describe(SceneTokenGenerator.name, () => {
  const sut = new SceneTokenGenerator();

  it('makes URL-safe scenes of at least 96 random bits within WeChat’s 64 characters', () => {
    expect(SCENE_TOKEN_BYTES * 8).toBeGreaterThanOrEqual(96);
    for (let i = 0; i < 1000; i++) expect(sut.next()).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  });

  it('never repeats a scene', () => {
    const scenes = new Set(Array.from({ length: 20_000 }, () => sut.next()));
    expect(scenes.size).toBe(20_000);
  });
});
