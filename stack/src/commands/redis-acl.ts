import { aclLines, type RedisStore } from "../infra/redis-acl.ts";

/**
 * `npm run stack -- redis-acl`: the ACL users each Redis needs, for a Redis you run yourself (put
 * the lines in its ACL file, or send each as `ACL SETUSER …` without the leading `user`), with
 * placeholders where your passwords go.
 */
export function printRedisAcl(): number {
  const placeholders = {
    services: { users: "<USERS_REDIS_PASSWORD>", postings: "<POSTINGS_REDIS_PASSWORD>", notices: "<NOTICES_REDIS_PASSWORD>" },
  };
  const stores: Array<[RedisStore, string, string]> = [
    ["redisEvents", "redis-events (the event stream)", "<REDIS_EVENTS_PASSWORD>"],
    ["redisNotices", "redis-notices (notices' data)", "<REDIS_NOTICES_PASSWORD>"],
  ];
  for (const [store, what, admin] of stores) {
    console.log(`# ${what}`);
    for (const line of aclLines(store, { admin, ...placeholders }, { hashed: false })) console.log(line);
    console.log("");
  }
  return 0;
}
