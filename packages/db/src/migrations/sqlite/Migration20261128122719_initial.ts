import { Migration } from '@mikro-orm/migrations';

export class Migration20261128122719_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`departments\` (\`id\` text not null, \`name\` text not null, \`color\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`departments_name_unique\` on \`departments\` (\`name\`);`);

    this.addSql(`create table \`events\` (\`id\` integer not null primary key autoincrement, \`type\` text not null, \`actor_id\` text null, \`actor_kind\` text not null, \`actor_name\` text not null, \`project_id\` text null, \`target_type\` text null, \`target_id\` text null, \`data\` json null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`events_project_id_id_index\` on \`events\` (\`project_id\`, \`id\`);`);
    this.addSql(`create index \`events_actor_id_id_index\` on \`events\` (\`actor_id\`, \`id\`);`);

    this.addSql(`create table \`people\` (\`id\` text not null, \`kind\` text not null, \`name\` text not null, \`email\` text null, \`password_hash\` text null, \`role\` text not null, \`active\` integer not null default true, \`expires_at\` date null, \`token_id\` text null, \`token_issued_at\` datetime null, \`previous_token_id\` text null, \`previous_token_valid_until\` datetime null, \`last_used_at\` datetime null, \`created_by_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`people_created_by_id_foreign\` foreign key(\`created_by_id\`) references \`people\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`people_kind_index\` on \`people\` (\`kind\`);`);
    this.addSql(`create unique index \`people_email_unique\` on \`people\` (\`email\`);`);
    this.addSql(`create index \`people_created_by_id_index\` on \`people\` (\`created_by_id\`);`);

    this.addSql(`create table \`person_departments\` (\`person_id\` text not null, \`department_id\` text not null, constraint \`person_departments_person_id_foreign\` foreign key(\`person_id\`) references \`people\`(\`id\`) on delete cascade on update cascade, constraint \`person_departments_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on delete cascade on update cascade, primary key (\`person_id\`, \`department_id\`));`);
    this.addSql(`create index \`person_departments_person_id_index\` on \`person_departments\` (\`person_id\`);`);
    this.addSql(`create index \`person_departments_department_id_index\` on \`person_departments\` (\`department_id\`);`);

    this.addSql(`create table \`projects\` (\`id\` text not null, \`name\` text not null, \`bot_collaboration\` integer not null default false, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`projects_name_unique\` on \`projects\` (\`name\`);`);

    this.addSql(`create table \`project_members\` (\`project_id\` text not null, \`person_id\` text not null, constraint \`project_members_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade, constraint \`project_members_person_id_foreign\` foreign key(\`person_id\`) references \`people\`(\`id\`) on delete cascade on update cascade, primary key (\`project_id\`, \`person_id\`));`);
    this.addSql(`create index \`project_members_project_id_index\` on \`project_members\` (\`project_id\`);`);
    this.addSql(`create index \`project_members_person_id_index\` on \`project_members\` (\`person_id\`);`);

    this.addSql(`create table \`sessions\` (\`id\` text not null, \`person_id\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, constraint \`sessions_person_id_foreign\` foreign key(\`person_id\`) references \`people\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`sessions_person_id_index\` on \`sessions\` (\`person_id\`);`);

    this.addSql(`create table \`settings\` (\`key\` text not null, \`value\` text not null, \`updated_at\` datetime not null, primary key (\`key\`));`);
  }

}
