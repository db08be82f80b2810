/* global setTimeout */
// Answers after 3 s, past the 100 ms integration timeout of the routes that use it.
export const handler = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: "late" }), 3000));
