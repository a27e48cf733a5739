// tsx's main entry (what `node --import tsx` loads) registers its hooks when imported and
// ships no types; cli.ts imports it for that alone.
declare module 'tsx';
